"""The scorecard as CSV and JSON: one row per indicator and breakdown."""

import csv
import io
import json

from .scorecard import Scorecard

CSV_COLUMNS = ["indicator", "label", "breakdown", "Q1", "Q2", "Q3", "Q4", "YTD"]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def scorecard_csv(card: Scorecard) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in card.rows:
        writer.writerow(
            [row.indicator.id, row.indicator.label, row.breakdown,
             *[_cell(value) for value in row.quarters], _cell(row.ytd)]
        )  # fmt: skip
    return buffer.getvalue()


def scorecard_json(card: Scorecard) -> str:
    return json.dumps(
        {
            "year": card.year_label,
            "as_of": card.today.isoformat(),
            "quarters": [quarter.label for quarter in card.quarters],
            "rows": [
                {
                    "indicator": row.indicator.id,
                    "label": row.indicator.label,
                    "breakdown": row.breakdown,
                    "polarity": row.indicator.polarity,
                    "Q1": row.quarters[0],
                    "Q2": row.quarters[1],
                    "Q3": row.quarters[2],
                    "Q4": row.quarters[3],
                    "YTD": row.ytd,
                    "direction": row.directions,
                    "trend": {
                        f"{card.year - 2}/{(card.year - 1) % 100:02d}": row.trend[0],
                        f"{card.year - 1}/{card.year % 100:02d}": row.trend[1],
                    },
                }
                for row in card.rows
            ],
        },
        indent=2,
    )
