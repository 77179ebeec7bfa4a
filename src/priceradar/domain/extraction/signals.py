"""Best-effort product signals read from loose values: star rating, review count and category.

Pure value functions shared by the JSON-LD, microdata and breadcrumb readers. Each returns None
for anything it cannot read with confidence: a missing signal never fails or blocks a page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin, urlsplit

MAX_CATEGORY = 120
_STARS = Decimal(5)  # schema.org's default bestRating, and our output scale
_MAX_COUNT = 10**9  # above any real shop, and inside a 32-bit INTEGER column
_MAX_RAW = 1_000  # characters of a name we look at; names are short, hostile nodes are not
_NUMBER = re.compile(r"(-?\d{1,6})(?:[.,](\d{1,6}))?")
# "1234", "1,234", "1.234", "1 234", optionally in brackets or followed by words ("12 reviews")
_COUNT = re.compile(r"\(?(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d{1,10})\)?(?:\s+[^\W\d_]+)*")
_GROUPING = re.compile(r"[,.\u00a0\u202f ]")
_PATH_STEP = re.compile("[>\u203a\u00bb]")  # taxonomy paths: "A > B", also with U+203A, U+00BB
# First crumbs that name the site root rather than a category, casefolded.
_HOME_WORDS = frozenset(
    {
        "home", "homepage", "home page", "start", "startseite", "anasayfa", "ana sayfa",
        "accueil", "inicio", "início", "главная", "strona główna", "hem", "forside",
    }
)  # fmt: skip

Crumb = tuple[object, object]  # (name, link) as the page gives them, root first


def star_rating(value: object, best: object = None, worst: object = None) -> float | None:
    """`value` on the page's scale as 0-5 stars (8 with bestRating 10 is 4.0), 2 decimals.

    The scale defaults to 0-5; a bestRating that is missing, zero or unreadable keeps 5. A
    worstRating of 0 or 1 still counts from zero, since shops draw "4 of 5 stars" whether their
    scale nominally starts at 1 or not; any other worstRating (-2..2, 50..100) maps linearly. A
    value off its scale is refused, not clamped: "45" of 5 is a typo or a percentage.
    """
    number = _number(value)
    if number is None:
        return None
    bottom = _number(worst)
    floor = bottom if bottom is not None and not 0 <= bottom <= 1 else Decimal(0)
    top = _number(best) or _STARS
    if top <= floor or not floor <= number <= top:
        return None
    return round(float((number - floor) / (top - floor) * _STARS), 2)


def parse_count(value: object) -> int | None:
    """A non-negative count from a JSON number or a text ("1,234", "(87)", "12 reviews")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = _number(value)
        if number is None or not 0 <= number <= _MAX_COUNT or number % 1:
            return None
        count = int(number)
    elif isinstance(value, str) and (match := _COUNT.fullmatch(value.strip()[:40])):
        count = int(_GROUPING.sub("", match.group(1)))
    else:
        return None
    return count if 0 <= count <= _MAX_COUNT else None


def rating_signals(rating: Mapping[str, object] | None) -> tuple[float | None, int | None]:
    """(stars, review count) from an AggregateRating's properties (JSON-LD or microdata).

    The count is reviewCount, else ratingCount. Stars are dropped when the rating itself says
    nobody rated (all counts 0): plugins print "ratingValue": 0 for products without reviews.
    """
    if not rating:
        return None, None
    reviews = parse_count(rating.get("reviewCount"))
    ratings = parse_count(rating.get("ratingCount"))
    stars = star_rating(
        rating.get("ratingValue"), rating.get("bestRating"), rating.get("worstRating")
    )
    if {reviews, ratings} - {None} == {0}:
        stars = None
    return stars, reviews if reviews is not None else ratings


def clean_category(value: object, *, unescape: bool = False) -> str | None:
    """A category name: entities decoded (`unescape`), whitespace collapsed, <= 120 characters.

    A taxonomy path ("Electronics > Audio > Headphones") gives its most specific step. URLs and
    bare numbers (Google taxonomy ids) are not names and give None.
    """
    name = _category_name(value, unescape=unescape)
    return name[:MAX_CATEGORY].rstrip() if name else None


def category_from_trail(
    trail: Sequence[Crumb], title: str | None, page_url: str, *, unescape: bool = False
) -> str | None:
    """The most specific category in a breadcrumb trail (ordered root first), or None.

    Skipped: crumbs naming the product itself (its title, or a link to this very page), links
    to the site root, a first crumb called like a home page, and crumbs without a name.
    `unescape` decodes entities in names (JSON-LD text; HTML text is decoded by the parser).
    """
    own = _key(title) if title else None
    page: tuple[str, str] | None = None
    for index in range(len(trail) - 1, -1, -1):
        raw_name, raw_link = trail[index]
        name = _category_name(raw_name, unescape=unescape)
        if name is None or _key(name) == own:
            continue
        if index == 0 and name.casefold() in _HOME_WORDS:
            continue
        if isinstance(raw_link, str) and raw_link.strip():
            page = page or _page_key(page_url)
            link = _link_key(raw_link.strip(), page_url, page[0])
            if link is not None and (link == page or link[1] == ""):
                continue  # this page (the product) or the site root
        return name[:MAX_CATEGORY].rstrip()
    return None


def _number(value: object) -> Decimal | None:
    """A finite Decimal from a number or a plain numeric text ("4.5", "4,5", "-2")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        # Magnitudes 1e-12..1e12 only: "1e999999999" is valid JSON, and arithmetic on such
        # extremes overflows or underflows to 0 (then 0/0) instead of giving a rating.
        sane = number.is_finite() and (not number or -12 < number.adjusted() < 12)
        return number if sane else None
    if not isinstance(value, str):
        return None
    match = _NUMBER.fullmatch(value.strip()[:20])
    if match is None:
        return None
    try:  # a comma is a decimal comma here: ratings never need thousands separators
        return Decimal(f"{match.group(1)}.{match.group(2) or 0}")
    except InvalidOperation:
        return None


def _category_name(value: object, *, unescape: bool) -> str | None:
    """`clean_category` before the length cap (so a long product name still matches a crumb)."""
    if not isinstance(value, str):
        return None
    value = value[:_MAX_RAW]
    if unescape and "&" in value:
        value = html.unescape(value)  # JSON-LD is script text: the HTML parser left entities
    name = " ".join(value.split())
    if _PATH_STEP.search(name):
        name = next((s.strip() for s in reversed(_PATH_STEP.split(name)) if s.strip()), "")
    if not name or name.isdigit() or "://" in name:
        return None
    return name


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _page_key(url: str) -> tuple[str, str]:
    """(host, path without trailing slash): query, fragment and scheme do not count."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken IPv6 literal, say
        return "", url
    return parts.netloc.lower(), parts.path.rstrip("/")


def _link_key(link: str, page_url: str, page_host: str) -> tuple[str, str] | None:
    """`_page_key` of a link as seen from `page_url`, without urljoin (~4 µs) when it can."""
    if link.startswith("/") and not link.startswith("//"):  # the usual crumb: "/category/x"
        return page_host, link.partition("?")[0].partition("#")[0].rstrip("/")
    if "://" not in link and not link.startswith("//"):
        try:
            link = urljoin(page_url, link)  # a relative path ("../shoes"): rare
        except ValueError:
            return None
    return _page_key(link)
