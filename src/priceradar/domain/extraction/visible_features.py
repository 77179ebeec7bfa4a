"""Features of one price-like text in the DOM: what names it, where it sits, what surrounds it.

Pure functions over lexbor nodes and strings, used by `visible` to score candidates. Class, id,
itemprop and data-* names are split into words ("price-item--regular" -> price, item,
regular; "oldPrice" -> old, price), so "canvas" never matches "was".
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_PARTS = re.compile(r"[^a-z0-9]+")

PRICE_WORDS = frozenset({"price", "prices", "amount", "preis", "prix", "precio", "preco", "fiyat",
                         "prezzo", "cena", "pricing", "cost", "money"})  # fmt: skip
CURRENT_WORDS = frozenset({"sale", "current", "final", "now", "special", "actual", "selling",
                           "our", "new", "deal", "offer", "sales", "discounted", "primary",
                           "attuale", "aktuell", "guncel", "dsc", "pay", "topay"})  # fmt: skip
OLD_WORDS = frozenset({"old", "was", "compare", "strike", "strikethrough", "rrp", "msrp", "uvp",
                       "crossed", "before", "original", "previous", "former", "prev", "reference",
                       "through", "striked", "retail", "marketprice", "oldprice", "org", "orig",
                       "barrato", "tachado", "durchgestrichen", "secondary", "approx",
                       "approximately", "converted", "conversion", "origin"})  # fmt: skip
SOFT_OLD_WORDS = frozenset({"regular", "list", "standard", "normal"})
SAVING_WORDS = frozenset({"save", "saving", "savings", "discount", "reduction", "percent",
                          "badge", "economy", "ersparnis", "tasarruf"})  # fmt: skip
REGION_WORDS = frozenset({
    "header", "footer", "nav", "navbar", "navigation", "menu", "megamenu", "cart", "minicart",
    "basket", "bag", "related", "recommend", "recommended", "recommendation", "recommendations",
    "recently", "viewed", "upsell", "upsells", "crosssell", "crosssells", "carousel", "slider",
    "swiper", "slick", "similar", "also", "bundle", "accessories", "sidebar", "breadcrumb",
    "breadcrumbs", "cookie", "newsletter", "wishlist", "tile", "teaser", "recs", "reco",
    "suggestions", "complementary", "others", "upselling",
})  # fmt: skip
# Not "grid" or "layout": CSS frameworks name every block that way.
LISTING_WORDS = frozenset({"products", "listing", "card", "thumb", "collection"})
REGION_TAGS = frozenset({"header", "footer", "nav", "aside"})
HIDDEN_WORDS = frozenset({"hidden", "hide", "sr", "invisible", "none"})
# "12 x 99,90", also with the multiplication sign U+00D7
INSTALLMENT = re.compile(
    r"(?:\b\d{1,2}\s*[x×]\s*(?:de\s+)?\S{0,4}$|^\s*[x×]\s*\d|/\s*(?:mo|mth|month|monat|mes|mois|ay)\b"  # noqa: RUF001
    r"|\b(?:per|a|pro|al|par)\s+(?:month|monat|mes|mois)\b|monthly|mensual|taksit|installment"
    r"|instalment|cuotas?\b|parcela|\brate[n]?\b|klarna|afterpay|affirm|finanz|\braty?\b"
    r"|sin inter[eé]s|sem juros|interest.free|zinsfrei|faizsiz|vade)",
    re.I,
)
SHIPPING = re.compile(
    r"shipping|delivery|versand|livraison|env[ií]o|frete|kargo|spedizione|porto|lieferung|dostawa"
    r"|送料|配送|배송|vận chuyển|ongkir|pengiriman",
    re.I,
)
UNIT_PRICE = re.compile(
    r"(?:/|\bper\b|\bpro\b|\bje\b)\s*(?:\d+\s*)?(?:kg|g|gr|l|ltr|ml|cl|m|m2|m²|lb|oz|st|stk|pc|"
    r"pcs|piece|unit|100\s*g|100\s*ml)\b|grundpreis|unit price|prix au|precio por",
    re.I,
)
OLD_TEXT = re.compile(
    r"(?:\bwas\b|\bold\b|\bbefore\b|\blist price|\bregular price|\brrp\b|\bmsrp\b|\buvp\b"
    r"|statt|vorher|\beski\b|\bantes\b|\bprix barr|compare at|\bde\s*:|\bpreviously|\bnormal"
    # "original price" in the languages the shops write it in
    r"|urspr[üu]nglich|\boriginal(?:ly|e)?\b|prix initial|prix d'origine|precio anterior"
    r"|oorspronkelijk|\beredeti\b|\bpoprzednia\b)"
    r"[^\d]{0,15}$",
    re.I,
)
UNIT_AFTER = re.compile(
    r"\s*\*?\s*(?:/|per\b|pro\b|je\b)\s*(?:\d+\s*)?(?:kg|g|gr|l|ltr|ml|cl|m|m2|m²|lb|oz|st|stk|pc|"
    r"pcs|piece|unit|kilo|liter|litre|meter)\b",
    re.I,
)
FROM_LABEL = re.compile(
    r"(?:\bfrom|starting at|starts at|\bab|desde|a partir de|à partir de|\bdès|vanaf|\bod)"
    r"\W{0,2}[^\w\s]{0,2}$",
    re.I,
)
CURRENT_TEXT = re.compile(
    r"current price|sale price|\bnow\b|our price|special price|jetzt|\bnu\b|ahora|maintenant", re.I
)
# A price for some buyers only: with a card, a coupon, a membership, a wallet.
CONDITIONAL = re.compile(  # \u0441: the Cyrillic "s" (with)
    r"\b(?:with|mit|avec|con|com|\u0441|ile)\b.{0,25}(?:card|karte|carte|tarjeta|cart[aã]o|coupon|code"
    r"|club|member|prime|wallet|кошельк|карт|abo|subscri|kupon|üyelik)"
    r"|members?\b|member price|club price|mitgliederpreis|prix adh[ée]rent",
    re.I,
)
SAVING_LABEL = re.compile(
    r"(?:\bsave|you save|sparen|ahorr\w*|économisez|kazanc\w*|indirim|economize|risparmi)\W*$", re.I
)
INSTALLMENT_AFTER = re.compile(
    r"\s*(?:/\s*(?:mo|mth|month|monat|mes|mois|ay)\b|(?:per|a|pro|al|par)\s+(?:month|monat|mes|mois)"
    r"|monthly|mensual|x\s*\d{1,2}\b)",
    re.I,
)
SHIPPING_AFTER = re.compile(r"\W{0,3}(?:shipping|delivery|versand|livraison|env[ií]o|kargo)", re.I)
RELATED_HEADING = re.compile(
    r"similar|related|also (?:like|bought|viewed)|recommend|frequently bought|customers who"
    r"|recently viewed|ähnliche|passend|dazu|benzer|önerilen|también|relacionad|recomendad"
    r"|simil|potrebbe|vous aimerez|consigliati|podobne|polecane|au văzut|おすすめ|関連|추천|相关",
    re.I,
)
DISCOUNT_MARK = re.compile(r"-?\d{1,2}\s?%|\bsave\b|\boff\b|rabatt|indirim|descuento|sconto", re.I)
SAVING_TEXT = re.compile(
    r"\bsave\b|you save|sparen|ahorr|économ|%|\boff\b|indirim|kazanc|giảm|hemat|diskon", re.I
)
TAX_EXCL = re.compile(r"\bex\.?\s*tax|excl|zzgl\.?\s*mwst|netto|\bnet\b|ohne mwst|\bht\b", re.I)
BUY_TEXT = re.compile(
    r"add to (?:cart|bag|basket)|buy now|in den warenkorb|ajouter au panier|añadir al carrito|"
    r"sepete ekle|comprar|kaufen|do koszyka|aggiungi al carrello|in winkelwagen|köp|kjøp|"
    r"カートに入れる|加入购物车|加入購物車|장바구니|thêm vào giỏ|keranjang|troli|в корзину"
    r"|do košíku|kosárba|în coș|add to trolley|varukorg|i kurv|handlekurv|ostoskoriin"
    r"|στο καλάθι",
    re.I,
)
BUY_WORDS = frozenset({"addtocart", "add", "buy", "cart", "basket", "purchase", "checkout"})


# Attributes whose values name what an element is (besides every data-* attribute's name).
_NAMING_ATTRS = ("class", "id", "itemprop", "aria-label")
PRICE_LABEL = re.compile(
    r"(?:price|preis|prix|precio|preço|fiyat|cena|prezzo|prijs|pris|hinta|価格|价格|价)\s*:?\s*"
    r"[^\w\s]{0,2}$",  # "Price:", "Price: $", "京东价￥"
    re.I,
)


def words(node: LexborNode) -> set[str]:
    """Words of a node's class, id, itemprop and data-* attribute names, lower-cased."""
    attrs = node.attributes
    raw = " ".join(
        v for k in _NAMING_ATTRS if (v := attrs.get(k)) and len(v) < 80
    )  # fmt: skip
    for key, value in attrs.items():
        if key.startswith("data-"):
            raw += " " + key[5:]
            # Short name-like values: data-box-name="showoffer.recommendations"
            if value and len(value) < 48 and not any(ch in value for ch in "/{[:"):
                raw += " " + value
    return split_words(raw) if raw.strip() else set()


def split_words(raw: str) -> set[str]:
    found = set(_PARTS.split(_CAMEL.sub(" ", raw).lower()))
    found.discard("")
    return found


def is_struck(node: LexborNode) -> bool:
    """`<del>`, `<s>`, `<strike>` or an inline line-through."""
    if node.tag in ("del", "s", "strike"):
        return True
    style = node.attributes.get("style") or ""
    return "line-through" in style.replace(" ", "").lower()


def is_hidden(node: LexborNode, node_words: set[str]) -> bool:
    attrs = node.attributes
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return (
        "display:none" in style
        or "visibility:hidden" in style
        or "hidden" in attrs
        or bool(node_words & {"hidden", "invisible"})
    )


def is_buy_control(node: LexborNode) -> bool:
    """An add-to-cart/buy button or form (by text, name or class)."""
    tag = node.tag
    attrs = node.attributes
    if tag == "form":
        action = (attrs.get("action") or "").lower()
        return "cart" in action or "basket" in action or "checkout" in action
    if tag not in ("button", "input", "a"):
        return False
    if tag == "input" and (attrs.get("type") or "").lower() not in ("submit", "button", "image"):
        return False
    label = (attrs.get("value") or "") if tag == "input" else node.text(deep=True)[:60]
    if BUY_TEXT.search(label):
        return True
    raw = " ".join(filter(None, (attrs.get("name"), attrs.get("id"), attrs.get("class"))))
    if "art" not in raw and "uy" not in raw:  # cheap gate: no "cart"/"Cart"/"buy"/"Buy"
        return False
    named = split_words(raw)
    return bool({"addtocart"} & named) or {"add", "cart"} <= named or {"buy", "now"} <= named
