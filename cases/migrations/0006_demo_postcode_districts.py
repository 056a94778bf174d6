"""Postcode districts for the demo areas, in the invented DB (Demo Borough) postcode area,
so a referral's locality can be found from its address. Leaves councils' own values alone."""

from django.db import migrations

DISTRICTS = {
    "CLIFTON": "DB1",
    "OAKWOOD_TOWN_CENTRE": "DB2",
    "WINGFIELD": "DB3",
    "WINTERHILL": "DB4",
    "DALTON_THRYBERGH_RAWMARSH": "DB5",
    "WATH_SWINTON": "DB6",
    "ASTON_BRINSWORTH": "DB7",
    "MALTBY_WICKERSLEY": "DB8",
    "WALES_DINNINGTON": "DB9",
}


def load(apps, schema_editor):
    Area = apps.get_model("cases", "Area")
    for code, district in DISTRICTS.items():
        Area.objects.filter(code=code, postcode_districts="").update(postcode_districts=district)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_closure_proposals")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
