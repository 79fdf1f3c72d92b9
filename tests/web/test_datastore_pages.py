"""The data pages of a distribution: table, chart, map, dictionary and quality report of its datastore table.

A published dataset gets an uploaded CSV of 120 trees, ingested synchronously; each tab is read with and
without filters, sort, cursor and version. The last tests check each tab in headless Chromium with axe-core.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset, Distribution
from openingup.core.models import Job
from openingup.core.tasks import in_process_backend
from openingup.datastore import services as datastore
from openingup.datastore.models import Table
from openingup.organisations.models import Organisation
from tests.browser import axe_violations, axe_violations_here, format_violations
from tests.web.conftest import CC_BY, dataset_data
from tests.web.test_accessibility import log_in

SPECIES = ["oak", "beech", "lime", "<script>alert(1)</script>"]


def trees_csv(rows: int = 120) -> bytes:
    """``id, species, height, planted, lat, lon, zip`` — ``zip`` is numbers with leading zeros (text)."""
    lines = ["id,species,height,planted,lat,lon,zip"]
    for i in range(1, rows + 1):
        height = "" if i % 10 == 0 else f"{i % 30 + 0.5}"
        lines.append(
            f"{i},{SPECIES[i % 4]},{height},20{i % 20:02d}-0{i % 9 + 1}-15,"
            f"{52 + i / 1000:.4f},{4 + i / 1000:.4f},0{1000 + i}"
        )
    return ("\n".join(lines) + "\n").encode()


def add_trees(
    organisation: Organisation, *, publish: bool = True, title: str = "Street trees"
) -> Distribution:
    dataset = catalogue.create_dataset(actor=None, publisher=organisation, data=dataset_data(title))
    distribution = catalogue.add_distribution(
        actor=None,
        dataset=dataset,
        data={"title": {"en": "Trees as CSV"}, "licence": CC_BY},
        upload=SimpleUploadedFile("trees.csv", trees_csv(), content_type="text/csv"),
    )
    if publish:
        catalogue.publish_dataset(actor=None, dataset=dataset)
    in_process_backend().join()  # with real transactions, the subscriber's own ingest may be running
    if not Table.objects.filter(distribution=distribution, status=Table.Status.READY).exists():
        datastore.ingest_distribution(distribution)
    return Distribution.objects.select_related("dataset").get(pk=distribution.pk)


@pytest.fixture
def trees(organisation: Organisation) -> Distribution:
    return add_trees(organisation)


def url(distribution: Distribution, tab: str = "") -> str:
    return f"/distributions/{distribution.pk}/data/" + (f"{tab}/" if tab else "")


def page(response: Any) -> str:
    return response.content.decode()


def found(pattern: str, html: str) -> str:
    """The first group of ``pattern`` in ``html``, unescaped; fails the test when it is not there."""
    match = re.search(pattern, html)
    assert match is not None, f"{pattern!r} not found"
    return unescape(match.group(1))


def cells(html: str) -> list[list[str]]:
    """The body rows of the data table as cell texts."""
    body = html.split('<table class="data-table">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


# ------------------------------------------------------------------------------------------ table


@pytest.mark.django_db
class TestTable:
    def test_first_page_shows_fifty_rows_the_total_and_links(self, client: Any, trees: Distribution) -> None:
        response = client.get(url(trees))

        assert response.status_code == 200
        html = page(response)
        rows = cells(html)
        assert len(rows) == 50
        assert rows[0] == ["1", "beech", "1.5", "2001-02-15", "52.001", "4.001", "01001"]
        assert "120 rows." in html
        assert "<caption" in html and '<th scope="col"' in html
        assert '<td class="num">1.5</td>' in html  # numbers right-aligned
        assert 'rel="next"' in html
        assert "<h1>" in html and "Trees as CSV" in html
        api = f"/api/v1/distributions/{trees.pk}"
        for suffix in ("export.csv", "export.json", "export.geojson", "export.parquet", "export.xlsx"):
            assert f'href="{api}/{suffix}"' in html
        for suffix in ("rows", "schema.json", "openapi.json"):
            assert f'href="{api}/{suffix}"' in html
        assert 'aria-current="page">Table</a>' in html
        assert f'href="{url(trees, "map")}"' in html  # the table has lat/lon

    def test_values_are_escaped(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees)))

        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_keyset_paging_follows_next_cursor(self, client: Any, trees: Distribution) -> None:
        first = page(client.get(url(trees)))
        next_href = found(r'href="([^"]+)" rel="next"', first)
        assert "cursor=" in next_href

        second = page(client.get(url(trees) + next_href))
        third_href = found(r'href="([^"]+)" rel="next"', second)
        third = page(client.get(url(trees) + third_href))

        assert [r[0] for r in cells(second)] == [str(i) for i in range(51, 101)]
        assert [r[0] for r in cells(third)] == [str(i) for i in range(101, 121)]
        assert 'rel="next"' not in third
        assert "First page" in third

    def test_filters_narrow_rows_and_carry_into_export_links(self, client: Any, trees: Distribution) -> None:
        query = "?fc=species&fo=eq&fv=oak&fc=height&fo=gte&fv=20&fc=&fo=eq&fv="
        response = client.get(url(trees) + query)

        html = page(response)
        rows = cells(html)
        assert response.status_code == 200
        assert rows and all(r[1] == "oak" and float(r[2]) >= 20 for r in rows)
        assert f"{len(rows)} rows match." in html
        export = found(r'href="(/api/v1/[^"]+/export\.csv[^"]*)"', html)
        assert parse_qs(urlsplit(export).query) == {"species__eq": ["oak"], "height__gte": ["20"]}
        assert '<option value="oak"' not in html  # values go in a text field
        assert 'value="oak"' in html and 'value="20"' in html  # the form shows the filters
        assert "Clear the filters" in html

    def test_the_export_link_gives_the_filtered_rows(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees) + "?fc=species&fo=eq&fv=lime&sort=-id"))
        export = found(r'href="(/api/v1/[^"]+/export\.csv[^"]*)"', html)

        response = client.get(export)

        lines = b"".join(response.streaming_content).decode().splitlines()
        assert response.status_code == 200
        assert len(lines) == 31 and all(",lime," in line for line in lines[1:])

    def test_the_page_speaks_dutch(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees) + "?fc=species&fo=eq&fv=oak", headers={"accept-language": "nl"}))

        assert '<html lang="nl">' in html
        assert "30 rijen voldoen." in html and "Rijen tonen" in html and ">Kwaliteitsverslag</a>" in html

    @pytest.mark.parametrize(
        ("query", "check"),
        [
            ("?fc=species&fo=contains&fv=EEC", lambda r: r[1] == "beech"),
            ("?fc=height&fo=isnull&fv=", lambda r: r[2] == ""),
            ("?fc=species&fo=ne&fv=oak", lambda r: r[1] != "oak"),
            ("?fc=id&fo=lt&fv=5", lambda r: int(r[0]) < 5),
            ("?q=lime", lambda r: r[1] == "lime"),
        ],
    )
    def test_each_operator_and_full_text(
        self, client: Any, trees: Distribution, query: str, check: Any
    ) -> None:
        response = client.get(url(trees) + query)

        rows = cells(page(response))
        assert response.status_code == 200
        assert rows and all(check(r) for r in rows)

    def test_sort_links_toggle_and_set_aria_sort(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees) + "?sort=-height"))

        heights = [float(r[2]) for r in cells(html) if r[2]]
        assert heights == sorted(heights, reverse=True)
        assert heights[0] == 29.5
        assert re.search(
            r'<th scope="col" aria-sort="descending" class="num">\s*<a href="\?sort=height"', html
        )
        assert 'href="?sort=species"' in html
        ascending = page(client.get(url(trees) + "?sort=height"))
        assert re.search(r'aria-sort="ascending" class="num">\s*<a href="\?sort=-height"', ascending)

    def test_sorted_pages_follow_the_cursor(self, client: Any, trees: Distribution) -> None:
        first = page(client.get(url(trees) + "?sort=-height&fc=species&fo=eq&fv=oak"))
        href = found(r'href="([^"]+)" rel="next"', first) if 'rel="next"' in first else ""
        seen = [r[0] for r in cells(first)]
        if href:
            seen += [r[0] for r in cells(page(client.get(url(trees) + href)))]

        assert len(seen) == len(set(seen)) == 30

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("?fc=height&fo=gt&fv=tall", "&#x27;tall&#x27; is not a valid number"),
            ("?fc=nope&fo=eq&fv=1", "Unknown column."),
            ("?sort=nope", "Unknown column."),
            ("?cursor=!!!", "The cursor is not valid for this query."),
            ("?bbox=1,2,3", "The bbox is not valid."),
        ],
    )
    def test_bad_filters_are_a_400_with_the_message(
        self, client: Any, trees: Distribution, query: str, message: str
    ) -> None:
        response = client.get(url(trees) + query)

        assert response.status_code == 400
        html = page(response)
        assert "There is a problem" in html and message in html
        assert 'role="alert"' in html

    def test_a_bad_value_is_shown_next_to_its_filter(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees) + "?fc=height&fo=gt&fv=tall"))

        assert 'aria-invalid="true" aria-describedby="fe-1"' in html
        assert 'id="fe-1"' in html

    def test_draft_data_is_hidden_from_anonymous_people(
        self, client: Any, organisation: Organisation, editor: Any
    ) -> None:
        draft = add_trees(organisation, publish=False, title="Secret trees")

        for tab in ("", "chart", "map", "dictionary", "quality"):
            assert client.get(url(draft, tab)).status_code == 404
        assert client.get(f"/distributions/{draft.pk}/data/status.json").status_code == 404
        client.force_login(editor)
        assert client.get(url(draft)).status_code == 200

    def test_unknown_distribution_is_404(self, client: Any, db: None) -> None:
        assert client.get("/distributions/00000000-0000-4000-8000-000000000000/data/").status_code == 404


# ------------------------------------------------------------------------------------------ versions


def retype_zip(distribution: Distribution, editor: Any) -> Table:
    table = Table.objects.get(distribution=distribution, status=Table.Status.READY)
    table.distribution = distribution
    return datastore.update_dictionary(actor=editor, table=table, fields=[{"name": "zip", "type": "integer"}])


@pytest.mark.django_db
def test_version_picker_links_kept_versions(client: Any, trees: Distribution, editor: Any) -> None:
    retype_zip(trees, editor)

    current = page(client.get(url(trees)))
    older = client.get(url(trees) + "?version=1")

    assert re.search(r'<a href="\?"[^>]*aria-current="page">Version 2</a>', current)
    assert 'href="?version=1">Version 1</a>' in current
    assert cells(current)[0][6] == "1,001"  # zip is a number now
    assert older.status_code == 200
    assert cells(page(older))[0][6] == "01001"
    assert "an older version of the data" in page(older)
    assert f'href="/api/v1/distributions/{trees.pk}/export.csv?version=1"' in page(older)
    missing = client.get(url(trees) + "?version=9")
    assert missing.status_code == 404 and "Version 9 of this data is not kept" in page(missing)
    assert client.get(url(trees) + "?version=x").status_code == 404


# ------------------------------------------------------------------------------------------ chart


@pytest.mark.django_db
class TestChart:
    def test_default_is_a_bar_chart_of_counts_with_its_table(self, client: Any, trees: Distribution) -> None:
        response = client.get(url(trees, "chart"))

        html = page(response)
        assert response.status_code == 200
        assert html.count("<svg") == 1 and 'role="img"' in html
        assert "Number of rows by species" in html
        assert re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td></tr>', html) == [
            ("&lt;script&gt;alert(1)&lt;/script&gt;", "30"),
            ("beech", "30"),
            ("lime", "30"),
            ("oak", "30"),
        ]
        assert "<script>alert" not in html

    def test_sum_by_category_sorted_by_value_with_filters(self, client: Any, trees: Distribution) -> None:
        query = "?chart=bar&x=species&agg=sum:height&fc=id&fo=lte&fv=8"
        html = page(client.get(url(trees, "chart") + query))

        # ids 1-8: beech 1,5 (1.5+5.5), lime 2,6 (2.5+6.5), <script> 3,7 (3.5+7.5), oak 4,8 (4.5+8.5)
        data = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td></tr>', html)
        assert data == [
            ("oak", "13"),
            ("&lt;script&gt;alert(1)&lt;/script&gt;", "11"),
            ("lime", "9"),
            ("beech", "7"),
        ]
        assert "Sum of height by species" in html
        assert 'value="8"' in html  # the filter is carried in the form

    def test_line_chart_is_in_category_order_and_pie_chart_draws(
        self, client: Any, trees: Distribution
    ) -> None:
        line = page(client.get(url(trees, "chart") + "?chart=line&x=planted&agg=max:height"))
        pie = page(client.get(url(trees, "chart") + "?chart=pie&x=species&agg=count"))

        dates = re.findall(r'<tr><th scope="row">(\d{4}-\d\d-\d\d)</th>', line)
        assert dates == sorted(dates) and len(dates) == 50
        assert "Only the first 50 categories are shown." in line
        assert "<svg" in line and "<svg" in pie and 'class="slices"' in pie

    def test_pie_chart_with_missing_values_says_so(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees, "chart") + "?chart=pie&x=id&agg=sum:height&fc=id&fo=lte&fv=10"))

        assert "A pie chart can only show values of zero or more" in html
        assert "<svg" not in html

    @pytest.mark.parametrize("query", ["?chart=radar", "?x=nope", "?agg=sum:species", "?agg=median:height"])
    def test_bad_choices_are_a_400(self, client: Any, trees: Distribution, query: str) -> None:
        response = client.get(url(trees, "chart") + query)

        assert response.status_code == 400
        assert "The chart cannot be drawn as asked." in page(response)

    def test_no_matching_rows(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees, "chart") + "?fc=species&fo=eq&fv=pine"))

        assert "No rows match, so there is nothing to draw." in html


# ------------------------------------------------------------------------------------------ map


@pytest.mark.django_db
class TestMap:
    def test_points_of_every_row(self, client: Any, trees: Distribution) -> None:
        response = client.get(url(trees, "map"))

        html = page(response)
        assert response.status_code == 200
        assert html.count("<circle") == 120
        assert "120 locations are drawn." in html
        assert "<image" not in html  # no tile background without a tile URL
        assert "Zoom in" in html and "Zoom out" not in html

    def test_bbox_limits_rows_and_offers_zoom_out(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees, "map") + "?bbox=4.0,52.0,4.0505,52.0505"))

        assert html.count("<circle") == 50
        assert 'href="?bbox=3.97475%2C51.97475%2C4.07575%2C52.07575"' in html  # twice as wide
        assert "Show every location" in html

    def test_filters_apply_to_the_map(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees, "map") + "?fc=species&fo=eq&fv=lime"))

        assert html.count("<circle") == 30

    def test_tables_without_locations_have_no_map(self, client: Any, organisation: Organisation) -> None:
        dataset = catalogue.create_dataset(actor=None, publisher=organisation, data=dataset_data("Counts"))
        plain = catalogue.add_distribution(
            actor=None,
            dataset=dataset,
            data={"title": {"en": "Counts"}, "licence": CC_BY},
            upload=SimpleUploadedFile("counts.csv", b"year,count\n2020,3\n2021,4\n", content_type="text/csv"),
        )
        catalogue.publish_dataset(actor=None, dataset=dataset)
        datastore.ingest_distribution(plain)

        assert client.get(url(plain, "map")).status_code == 404
        html = page(client.get(url(plain)))
        assert "/map/" not in html
        assert "export.geojson" not in html


# ------------------------------------------------------------------------------------------ dictionary


@pytest.mark.django_db
class TestDictionary:
    def test_fields_with_profile_and_histograms(self, client: Any, trees: Distribution) -> None:
        response = client.get(url(trees, "dictionary"))

        html = page(response)
        assert response.status_code == 200
        assert "The table has 7 columns." in html
        assert "whole number <code>integer</code>" in html
        assert "Empty cells" in html and "Different values" in html and "Most frequent values" in html
        assert "<svg" in html and "Distribution of height" in html
        assert "&lt;script&gt;" in html and "<script>alert" not in html
        assert "Edit the data dictionary" not in html  # not an editor

    def test_editor_changes_a_title(self, client: Any, trees: Distribution, editor: Any) -> None:
        client.force_login(editor)
        form = page(client.get(url(trees, "dictionary")))
        assert 'class="form dictionary-form"' in form and "csrfmiddlewaretoken" in form

        data = post_data(trees)
        data["title_1"] = "Tree species"
        data["description_1"] = "Latin <i>or</i> common name"
        response = client.post(url(trees, "dictionary"), data)

        assert response.status_code == 302 and response["Location"] == url(trees, "dictionary")
        table = Table.objects.get(distribution=trees)
        assert table.fields[1] == {
            "name": "species",
            "type": "string",
            "title": "Tree species",
            "description": "Latin <i>or</i> common name",
        }
        html = page(client.get(url(trees, "dictionary")))
        assert "The data dictionary was saved." in html
        assert "Latin &lt;i&gt;or&lt;/i&gt; common name" in html
        table_page = page(client.get(url(trees)))
        assert "Tree species" in table_page  # the column header uses the title

    def test_editor_retypes_a_column_as_a_new_version(
        self, client: Any, trees: Distribution, editor: Any
    ) -> None:
        client.force_login(editor)
        data = post_data(trees)
        data["type_6"] = "integer"

        response = client.post(url(trees, "dictionary"), data)

        assert response.status_code == 302
        versions = Table.objects.filter(distribution=trees).order_by("version")
        assert [(t.version, t.status) for t in versions] == [(1, "ready"), (2, "ready")]
        assert versions[1].fields[6]["type"] == "integer"
        assert "version 2 of the data was made" in page(client.get(url(trees, "dictionary")))

    def test_a_type_that_does_not_fit_shows_the_problems(
        self, client: Any, trees: Distribution, editor: Any
    ) -> None:
        client.force_login(editor)
        data = post_data(trees)
        data["type_1"] = "integer"

        response = client.post(url(trees, "dictionary"), data)

        assert response.status_code == 400
        html = page(response)
        assert "The new types do not fit the data; nothing was changed." in html
        assert Table.objects.filter(distribution=trees, status=Table.Status.READY).count() == 1

    def test_others_may_not_post(self, client: Any, trees: Distribution, viewer: Any) -> None:
        assert client.post(url(trees, "dictionary"), post_data(trees)).status_code == 403
        client.force_login(viewer)
        assert client.post(url(trees, "dictionary"), post_data(trees)).status_code == 403
        assert "title" not in Table.objects.get(distribution=trees).fields[1]


def post_data(distribution: Distribution) -> dict[str, str]:
    table = Table.objects.filter(distribution=distribution, status=Table.Status.READY).order_by("-version")[0]
    data: dict[str, str] = {}
    for i, f in enumerate(table.fields):
        data |= {f"name_{i}": f["name"], f"title_{i}": f.get("title", ""), f"type_{i}": f["type"]}
        data[f"description_{i}"] = f.get("description", "")
    return data


# ------------------------------------------------------------------------------------------ quality


@pytest.mark.django_db
class TestQuality:
    def test_valid_report(self, client: Any, trees: Distribution) -> None:
        html = page(client.get(url(trees, "quality")))

        assert "Valid: no problems found" in html
        assert "Source" in html and "trees" in html

    def test_problems_and_counts_per_code(self, client: Any, organisation: Organisation) -> None:
        dataset = catalogue.create_dataset(actor=None, publisher=organisation, data=dataset_data("Ragged"))
        ragged = catalogue.add_distribution(
            actor=None,
            dataset=dataset,
            data={"title": {"en": "Ragged"}, "licence": CC_BY},
            upload=SimpleUploadedFile(
                "ragged.csv", b"a,b,b\n1,2,3\n4,5\n6,7,8,9\n10,<x>,12\n", content_type="text/csv"
            ),
        )
        catalogue.publish_dataset(actor=None, dataset=dataset)
        table = datastore.ingest_distribution(ragged)
        assert table is not None and table.status == "ready" and not table.report["valid"]

        html = page(client.get(url(ragged, "quality")))

        assert "Valid: no problems found" not in html
        assert f"{table.report['error_count']} problems" in html
        for problem in table.report["errors"]:
            assert f"<code>{problem['code']}</code>" in html
        assert "Number of problems of each kind" in html

    def test_a_loading_version_shows_its_progress(self, client: Any, trees: Distribution) -> None:
        job = Job.objects.create(name="datastore.ingest", status="running", progress=40, message="typing")
        Table.objects.create(distribution=trees, version=2, backend="duckdb", job=job)

        html = page(client.get(url(trees, "quality")))
        state = client.get(f"/distributions/{trees.pk}/data/status.json").json()

        assert '<progress id="load-progress" max="100" value="40">' in html
        assert "typing" in html and "web/job.js" in html
        assert "Version 2 of the data is being loaded" in page(client.get(url(trees)))
        assert state == {
            "status": "loading",
            "status_text": "Loading",
            "version": 2,
            "progress": 40,
            "message": "typing",
            "finished": False,
        }

    def test_a_failed_version_shows_why(self, client: Any, trees: Distribution) -> None:
        report = {"valid": False, "error_count": 1, "errors": [], "counts": {}}
        report["errors"] = [
            {"code": "source-error", "message": "the <file> is gone", "row": None, "field": None}
        ]
        Table.objects.create(distribution=trees, version=2, backend="duckdb", status="failed", report=report)

        html = page(client.get(url(trees, "quality")))

        assert "could not be loaded" in html and "the &lt;file&gt; is gone" in html

    def test_without_any_ready_version(self, client: Any, organisation: Organisation) -> None:
        dataset = catalogue.create_dataset(actor=None, publisher=organisation, data=dataset_data("Broken"))
        broken = catalogue.add_distribution(
            actor=None,
            dataset=dataset,
            data={"title": {"en": "Broken"}, "licence": CC_BY},
            upload=SimpleUploadedFile("broken.csv", b"", content_type="text/csv"),
        )
        catalogue.publish_dataset(actor=None, dataset=dataset)
        table = datastore.ingest_distribution(broken)
        assert table is not None and table.status == "failed"

        response = client.get(url(broken, "quality"))

        assert response.status_code == 200
        html = page(response)
        assert "There is no version of this data to look at yet." in html
        assert table.report["errors"][0]["message"] in unescape(html)
        dataset_page = page(client.get(f"/datasets/{dataset.slug}/"))
        assert "Explore the data" not in dataset_page


# ------------------------------------------------------------------------------------------ dataset page


@pytest.mark.django_db
def test_the_dataset_page_links_ready_data_only(
    client: Any, trees: Distribution, organisation: Organisation
) -> None:
    html = page(client.get(f"/datasets/{trees.dataset.slug}/"))

    assert html.count("Explore the data") == 1
    assert f'href="{url(trees)}"' in html


# ------------------------------------------------------------------------------------------ in a browser


@pytest.fixture
def live_trees(organisation: Organisation) -> Dataset:
    return add_trees(organisation)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "tab",
    [
        "",
        "?sort=-height&fc=species&fo=ne&fv=oak&q=lime",
        "?fc=height&fo=gt&fv=tall",
        "chart/?chart=bar&x=species&agg=avg:height",
        "chart/?chart=line&x=planted",
        "chart/?chart=pie&x=species",
        "map/",
        "map/?bbox=4.0,52.0,4.05,52.05",
        "dictionary/",
        "quality/",
    ],
)
def test_data_pages_have_no_serious_violations(
    browser: Any, live_server: Any, live_trees: Any, tab: str
) -> None:
    path = url(live_trees) + tab

    violations = axe_violations(browser, f"{live_server.url}{path}")

    assert "Trees as CSV" in browser.page_source
    assert violations == [], f"{path}:\n{format_violations(violations)}"


@pytest.mark.django_db(transaction=True)
def test_the_dictionary_form_and_its_errors_have_no_serious_violations(
    browser: Any, live_server: Any, live_trees: Any, editor: Any
) -> None:
    log_in(browser, live_server.url, editor.username)

    violations = axe_violations(browser, f"{live_server.url}{url(live_trees, 'dictionary')}")

    assert "Edit the data dictionary" in browser.page_source
    assert violations == [], format_violations(violations)
    Select(browser.find_element(By.ID, "type-1")).select_by_value("integer")
    browser.find_element(By.CSS_SELECTOR, ".dictionary-form button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert "nothing was changed" in browser.page_source
    violations = axe_violations_here(browser)
    assert violations == [], format_violations(violations)


@pytest.mark.django_db(transaction=True)
def test_progress_of_a_loading_version_has_no_serious_violations(
    browser: Any, live_server: Any, live_trees: Any
) -> None:
    job = Job.objects.create(name="datastore.ingest", status="running", progress=40, message="typing")
    Table.objects.create(distribution=live_trees, version=2, backend="duckdb", job=job)

    violations = axe_violations(browser, f"{live_server.url}{url(live_trees, 'quality')}")

    assert "load-progress" in browser.page_source
    assert violations == [], format_violations(violations)
