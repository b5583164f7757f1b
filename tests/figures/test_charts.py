"""The server-side SVG bar chart: escaped text, bars as tall as their numbers."""

import xml.etree.ElementTree as ET

import pytest

from checkin.publishing.charts import bar_chart

NS = {"s": "http://www.w3.org/2000/svg"}


def test_two_series_side_by_side_with_heights_matching_the_numbers():
    svg = bar_chart([[10, 20, 0], [5, 40, 15]], ["jan", "feb", "mar"], "Visits per month",
                    desc="This year and the year before", series_names=["2026", "2025"])
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img"
    assert root.find("s:title", NS).text == "Visits per month"
    assert root.find("s:desc", NS).text == "This year and the year before"
    bars = root.findall("s:rect[@data-value]", NS)
    assert [int(b.get("data-value")) for b in bars] == [10, 5, 20, 40, 0, 15]
    assert [b.find("s:title", NS).text for b in bars][:2] == ["jan, 2026: 10", "jan, 2025: 5"]
    heights = {int(b.get("data-value")): float(b.get("height")) for b in bars}
    assert heights[0] == 0 and heights[40] == pytest.approx(2 * heights[20], abs=0.2)
    assert heights[20] == pytest.approx(2 * heights[10], abs=0.2)
    # Both series of a month stand next to each other, this year first.
    jan = bars[:2]
    assert float(jan[0].get("x")) < float(jan[1].get("x"))
    assert "style=" not in svg and "<script" not in svg


def test_labels_and_titles_are_escaped():
    svg = bar_chart([[3]], ['<script>alert("x")</script> & co'], "A <b>title</b>")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&amp; co" in svg
    ET.fromstring(str(svg))  # still well-formed


def test_a_series_must_match_the_labels():
    with pytest.raises(ValueError):
        bar_chart([[1, 2]], ["one"], "x")


def test_share_bars_split_each_row_by_share_and_escape_every_text():
    from checkin.publishing.charts import share_bars

    svg = str(share_bars([("mars <b>", [3, 1]), ("april", [0, 0])], ["Ja", "Nej <i>"],
                         ["#1d5c8a", "#f2d16b"], "Fråga <script>"))
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "mars &lt;b&gt;, Ja: 3 (75 %)" in svg
    assert "mars &lt;b&gt;, Nej &lt;i&gt;: 1 (25 %)" in svg
    assert svg.count('class="segment') == 2  # april has no ratings: an empty bar, no segments
    assert 'class="share on-dark"' in svg  # white text on the dark blue
