"""The link checker: HEAD then GET, per-host pauses, SSRF refusals recorded as failed checks, no requests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openingup.quality import services
from openingup.quality.linkcheck import LinkChecker, polite_order
from openingup.quality.models import LinkCheck

PUBLIC = "http://93.184.216.34"  # an IP literal: no DNS; only the mock transport answers
OTHER = "http://93.184.216.35"


class Clock:
    """A fake clock: sleeping moves it forward, so pauses are measured without waiting."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def checker(handler: Any, clock: Clock | None = None, delay: float = 2.0) -> LinkChecker:
    clock = clock or Clock()
    return LinkChecker(
        delay=delay, timeout=5, transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep
    )


def test_head_answer_is_enough() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(200)

    result = checker(handler).check(PUBLIC + "/data.csv")
    assert result.ok and result.status_code == 200 and seen == ["HEAD"]


def test_get_when_head_is_refused_without_reading_the_body() -> None:
    seen: list[str] = []

    class Body(httpx.SyncByteStream):
        read = 0

        def __iter__(self) -> Any:
            for _ in range(1000):
                Body.read += 1
                yield b"x" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if request.method == "HEAD":
            return httpx.Response(405)
        return httpx.Response(200, stream=Body())

    result = checker(handler).check(PUBLIC + "/big.csv")
    assert result.ok and result.status_code == 200 and seen == ["HEAD", "GET"]
    assert Body.read <= 1  # the 64 MB body was not downloaded


def test_broken_link_is_a_failed_check() -> None:
    result = checker(lambda r: httpx.Response(404)).check(PUBLIC + "/gone.csv")
    assert not result.ok and result.status_code == 404 and "HTTP 404" in result.error


def test_redirects_are_followed_to_the_final_status() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        return httpx.Response(200)

    result = checker(handler).check(PUBLIC + "/old")
    assert result.ok and result.status_code == 200


def test_timeouts_are_failed_checks() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    result = checker(handler).check(PUBLIC + "/slow")
    assert not result.ok and result.status_code is None and "could not be reached" in result.error


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/data.csv",
        "http://127.0.0.1/x",
        "file:///etc/passwd",
    ],
)
def test_refused_addresses_are_failed_checks_and_no_request(url: str) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200)

    result = checker(handler).check(url)
    assert not result.ok and result.status_code is None and result.error.startswith("refused")
    assert requests == []


def test_redirect_to_a_private_address_is_refused_and_not_followed() -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://10.0.0.1/admin"})

    result = checker(handler).check(PUBLIC + "/jump")
    assert not result.ok and result.error.startswith("refused") and "10.0.0.1" in result.error
    assert all("10.0.0.1" not in u for u in requests)


def test_the_same_host_waits_other_hosts_do_not() -> None:
    clock = Clock()
    check = checker(lambda r: httpx.Response(200), clock, delay=2.0)
    urls = [PUBLIC + "/a", PUBLIC + "/b", OTHER + "/c", PUBLIC + "/d"]
    results = list(check.check_all(urls))
    assert [r.url for r in results] == [PUBLIC + "/a", OTHER + "/c", PUBLIC + "/b", PUBLIC + "/d"]
    assert clock.slept == [2.0, 2.0]  # before /b and before /d; /c went without waiting


def test_polite_order_takes_hosts_in_turn_and_drops_repeats() -> None:
    assert polite_order(["http://a/1", "http://a/2", "http://b/1", "http://a/1", "http://c/1"]) == [
        "http://a/1", "http://b/1", "http://c/1", "http://a/2",
    ]  # fmt: skip


def test_check_links_records_results_and_rescores(build: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = build(
        distributions=[{"access_url": [PUBLIC + "/trees.csv"], "download_url": ["http://169.254.169.254/x"]}],
        links={},
    )
    assert services.score_dataset(dataset_id=dataset.pk).total == 405 - 80  # type: ignore[union-attr]
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(200)

    urls = services.links_to_check()
    assert set(urls) == {PUBLIC + "/trees.csv", "http://169.254.169.254/x"}
    summary = services.check_links(urls=urls, checker=checker(handler))
    assert summary == {"checked": 2, "failed": 1, "rescored": 1}
    assert requested == [PUBLIC + "/trees.csv"]  # the metadata address was never asked
    refused = LinkCheck.objects.get(url="http://169.254.169.254/x")
    assert not refused.ok and refused.status_code is None and "metadata" in refused.error
    assert services.links_to_check() == []  # both are fresh now
    assert len(services.links_to_check(everything=True)) == 2
    row = dataset.quality_score
    row.refresh_from_db()
    assert row.total == 405 - 30  # the access URL answers now; the download URL still fails


def test_files_served_here_are_checked_in_storage(build: Any, settings: Any) -> None:
    from django.core.files.base import ContentFile

    dataset = build(links={})
    distribution = dataset.distributions.get()
    distribution.file.save("trees.csv", ContentFile(b"a,b\n1,2\n"))
    stored = f"{settings.BASE_URL}/distributions/{distribution.pk}/download/trees.csv"
    missing = (
        f"{settings.BASE_URL}/distributions/{distribution.pk.hex[:8]}-0000-0000-0000-000000000000/download/x"
    )
    check = checker(lambda r: pytest.fail("no HTTP request for our own files"))
    assert check.check(stored).ok
    assert check.check(missing).status_code == 404


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def resolve(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "intranet.example.org"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    result = checker(lambda r: pytest.fail("nothing may be requested")).check(
        "https://intranet.example.org/x"
    )
    assert not result.ok and "private address 10.0.0.5" in result.error


def test_the_scheduled_task_checks_due_links(build: Any) -> None:
    from openingup.core.models import Job
    from openingup.core.tasks import registered, run_job

    assert {"quality.check_links", "quality.score_pending", "quality.score_all"} <= set(registered())
    build(distributions=[{"access_url": ["http://10.0.0.1/x.csv"], "download_url": None}], links={})
    job = run_job(str(Job.objects.create(name="quality.check_links", arguments={}).pk))
    assert job.status == "done", job.message
    assert job.result == {"checked": 1, "failed": 1, "rescored": 1}
    again = run_job(str(Job.objects.create(name="quality.check_links", arguments={}).pk))
    assert again.result == {"checked": 0, "failed": 0, "rescored": 0}  # nothing is due yet
