from core.templatetags.dart import citations


def test_pubmed_ids_become_pubmed_links_and_urls_stay_links():
    html = str(citations("PMID:31566309; https://www.fda.gov/label.pdf"))

    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/31566309/"' in html
    assert ">PMID 31566309</a>" in html
    assert '<a href="https://www.fda.gov/label.pdf"' in html


def test_text_from_a_knowledge_base_file_is_escaped_not_rendered():
    html = str(citations("<script>alert(1)</script>; javascript:alert(2); PMID:<b>1</b>"))

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<b>" not in html
