"""The browser enforces the policy: an inline script without the response's nonce does not
run, and the violation reaches the console, where every other browser test looks for one."""

import pytest

pytestmark = [pytest.mark.e2e]


def test_an_inline_script_without_the_nonce_is_refused_and_reported(context, live_server):
    page = context.new_page()  # not the checked ``page``: this one is meant to see a violation
    heard = []
    page.on("console", lambda message: heard.append(message.text))

    def without_nonce(route):
        response = route.fetch()
        html = response.text().replace(" nonce=", " data-was-nonce=")
        html = html.replace("</body>", "<script>document.title = 'ran';</script></body>")
        route.fulfill(response=response, body=html)

    page.route("**/sign-in/", without_nonce)
    page.goto(live_server.url + "/sign-in/")
    assert page.title() != "ran"
    assert "js-enabled" not in (page.get_attribute("body", "class") or "")
    assert any("Content Security Policy" in text for text in heard), heard


def test_the_page_s_own_inline_script_runs_under_the_policy(page, live_server):
    page.goto(live_server.url + "/sign-in/")
    assert "js-enabled" in page.get_attribute("body", "class")
