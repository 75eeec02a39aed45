"""The dashboard's trend chart in headless Chromium, offline, in English and
Spanish: drawn by the server as inline SVG (no script, no request leaves
localhost), one chart per indicator with the 2021 survey as a reference
line. A screenshot of each language is written to the test's folder."""
import pytest

from browser_support import illustrative_viewer_server, needs_chromium, new_watch
from graphsvc.queries.indicators import SURVEY_FIGURES, survey_indicators

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    yield from illustrative_viewer_server(tmp_path_factory, browser, "webtime")


@pytest.mark.parametrize("lang, title, survey", [("en", "Trends", "2021 survey"),
                                                  ("es", "Tendencias", "encuesta de 2021")])
def test_trend_chart_renders_offline_in_both_languages(browser, live, tmp_path, lang, title,
                                                       survey):
    w = new_watch(browser, storage_state=live.state, viewport=(1300, 2600))
    w.page.goto(f"{live.url}/?lang={lang}")
    section = w.page.locator("section#trends")
    section.scroll_into_view_if_needed()
    assert section.locator("h2").inner_text() == title
    # one chart per indicator the analyses compute (the graph's own count,
    # not a number written here), a survey line for each survey figure
    n = len(survey_indicators(live.app.extensions["graphsvc"].snapshot()))
    charts = section.locator("figure.trend")
    assert charts.count() == n
    # every chart is drawn: a visible line with a point per day, and a size
    box = charts.first.locator("svg").bounding_box()
    assert box["width"] > 200 and box["height"] > 90
    lines = section.locator("polyline.series")
    assert lines.count() == n and all(
        len(lines.nth(i).get_attribute("points").split()) >= 5 for i in range(n))
    # the survey's reference line where the survey has a figure, labelled
    assert section.locator("line.survey").count() == len(SURVEY_FIGURES)
    assert section.locator("text.survey-label").first.text_content() == survey
    label = charts.first.locator("svg").get_attribute("aria-label")
    assert survey in label
    section.screenshot(path=str(tmp_path / f"trends-{lang}.png"))
    w.assert_clean()
    w.page.context.close()
