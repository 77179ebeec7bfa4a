"""`priceradar extract` as a user runs it: a real subprocess, a real page server on loopback."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_commands import priceradar
from tests.support.pages import PageServer, product_page

VISIBLE_PAGE = (
    "<html lang='es-CL'><body><h1>Tetera eléctrica</h1>"
    "<div class='price'><del>$29.990</del> <span class='price-sale'>$24.990</span></div>"
    "<form action='/cart/add'><button>Agregar al carro</button></form>"
    "<section class='related'><span class='price'>$9.990</span></section></body></html>"
)


def test_extract_a_saved_file_with_explain(tmp_path: Path) -> None:
    page = tmp_path / "tetera.html"
    page.write_text(VISIBLE_PAGE, encoding="utf-8")

    out = priceradar(tmp_path, "extract", str(page), "--url", "https://tienda.cl/p/1", "--explain")

    assert out.returncode == 0, out.stderr
    assert "24990" in out.stdout and "CLP" in out.stdout and "visible" in out.stdout
    assert "struck or old price" in out.stdout  # the old price's penalty is listed
    assert "json-ld" in out.stdout and "no JSON-LD Product" in out.stdout  # every method tried


def test_extract_a_url_through_the_guarded_fetcher(tmp_path: Path) -> None:
    with PageServer() as server:
        server.pages["/p/1"] = product_page("Kettle", "39.90", "EUR")

        allowed = priceradar(
            tmp_path, "extract", server.url("/p/1"), PRICERADAR_ALLOWED_PRIVATE_HOSTS="127.0.0.1"
        )
        refused = priceradar(tmp_path, "extract", server.url("/p/1"))

    assert allowed.returncode == 0, allowed.stderr
    assert "39.90" in allowed.stdout and "json-ld" in allowed.stdout
    assert refused.returncode == 1  # the SSRF guard: loopback is not a shop
    assert "fetch failed" in refused.stdout and server.hits == ["/p/1"]


def test_extract_no_price_exits_1_with_the_reason(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><h1>About us</h1></body></html>", encoding="utf-8")

    out = priceradar(tmp_path, "extract", str(page))

    assert out.returncode == 1
    assert "no price" in out.stdout


def test_extract_eval_scores_a_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "plain"
    corpus.mkdir(parents=True)
    (corpus / "tetera.html").write_text(VISIBLE_PAGE, encoding="utf-8")
    (corpus / "tetera.json").write_text(
        '{"url": "https://tienda.cl/p/1", "price": "24990", "currency": "CLP",'
        ' "availability": null, "structure": "plain", "source": "test", "licence": "MIT"}',
        encoding="utf-8",
    )

    out = priceradar(tmp_path, "extract", "--eval", str(tmp_path / "corpus"))

    assert out.returncode == 0, out.stderr
    assert "precision" in out.stdout.lower() and "plain" in out.stdout
