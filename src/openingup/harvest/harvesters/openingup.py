"""Another Opening Up instance: its Hydra-paged ``/catalog.ttl?page=N`` feed.

The source URL is the instance's address (``https://data.town.example``; ``/catalog``, ``/catalog.ttl``
or a page URL of it are accepted too). Pages are requested by number from that address rather than
from the feed's own ``hydra:next``, which names the remote instance's configured base URL and may differ
from the address we reach it at; a page's ``hydra:next`` only says whether there is another.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from openingup.harvest.harvesters.base import Gathering, Page, register
from openingup.harvest.harvesters.dcat import read_page

_FEED = re.compile(r"/catalog(\.(ttl|rdf|jsonld))?/?$")


def feed_base(url: str) -> str:
    """The instance's base URL from any of the accepted forms."""
    parts = urlsplit(url.strip())
    path = _FEED.sub("", parts.path).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class OpeningUpHarvester:
    type = "openingup"
    label = "Another Opening Up instance (its DCAT-AP feed)"

    def pages(self, gathering: Gathering) -> Iterator[Page]:
        base = feed_base(gathering.url)
        seen: set[str] = set()
        number = 1
        while True:
            url = f"{base}/catalog.ttl?page={number}"
            page = read_page(gathering, url)
            new = {i.remote_id for i in page.items} - seen
            if number > 1 and not new:
                gathering.stop_paging(
                    f"the page {url} brings no dataset not seen before; paging stopped there"
                )
                return
            seen |= new
            yield Page(url, page.items, page.total)
            if not page.next_url:
                return
            number += 1


register(OpeningUpHarvester())
