"""The regulations library's rules: status from links, links kept both ways, the words an entry
is found by, and the order of what a search finds."""

from datetime import datetime, timezone

import pytest

from chalicelib.domain import library_search as search
from chalicelib.domain import regulations as regs
from chalicelib.domain.errors import InvalidInput

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def entry(entry_id="reg_a", **changes):
    base = regs.Regulation(id=entry_id, type="government_regulation", number="37", year=2010,
                           title="Bendungan", enacted_on="2010-04-16", declared_status="in_force", topics=(),
                           summary="", created_at=NOW, updated_at=NOW, updated_by="usr_x")
    return base.evolve(**changes)


def test_an_entry_is_in_force_until_something_amends_or_revokes_it():
    assert regs.effective_status("in_force", (), ()) == "in_force"
    assert regs.effective_status("in_force", ("reg_b",), ()) == "amended"
    assert regs.effective_status("in_force", ("reg_b",), ("reg_c",)) == "revoked"


def test_a_declared_status_stands_for_acts_the_library_lacks_but_never_hides_a_link():
    assert regs.effective_status("revoked", (), ()) == "revoked"
    assert regs.effective_status("amended", (), ()) == "amended"
    assert regs.effective_status("in_force", (), ("reg_c",)) == "revoked"


def test_amending_links_the_amended_entry_back_and_dropping_the_link_unlinks_it():
    old = entry("reg_old")
    new = entry("reg_new", amends=("reg_old",))
    changes = regs.link_changes(None, new)
    assert changes == [regs.LinkChange("reg_old", "amended_by", "reg_new", True)]
    linked = regs.apply_link(old, changes[0])
    assert linked.amended_by == ("reg_new",) and linked.status == "amended"

    dropped = regs.link_changes(new, new.evolve(amends=(), revokes=("reg_old",)))
    assert regs.LinkChange("reg_old", "amended_by", "reg_new", False) in dropped
    assert regs.LinkChange("reg_old", "revoked_by", "reg_new", True) in dropped
    for change in dropped:
        linked = regs.apply_link(linked, change)
    assert linked.amended_by == () and linked.revoked_by == ("reg_new",) and linked.status == "revoked"


def test_links_must_name_existing_other_entries():
    with pytest.raises(InvalidInput) as refused:
        regs.check_links("reg_a", {"amends": ["reg_a"], "revokes": ["reg_missing"]}, set())
    assert {p.field for p in refused.value.problems} == {"amends", "revokes"}
    with pytest.raises(InvalidInput):
        regs.check_links("reg_a", {"amends": ["reg_b"], "revokes": ["reg_b"]}, {"reg_b"})
    regs.check_links("reg_a", {"amends": ["reg_b"], "revokes": []}, {"reg_b"})


def test_the_date_enacted_falls_in_the_entrys_year():
    fields = {"type": "law", "number": "17", "year": 2019, "title": "Sumber Daya Air", "enacted_on": "2018-10-15"}
    with pytest.raises(InvalidInput) as refused:
        regs.check_entry(fields)
    assert refused.value.problems[0].field == "enacted_on"
    assert regs.check_entry(fields | {"enacted_on": "2019-10-15", "topics": [" Air ", "air"]})["topics"] == ("air",)


def test_a_number_is_found_whole_and_by_its_parts():
    found = search.words("Nomor 27/PRT/M/2015 tentang Bendungan")
    assert found[:5] == ["27/prt/m/2015", "27", "prt", "2015", "bendungan"]
    assert "nomor" not in found and "tentang" not in found and "m" not in found


def test_a_query_typed_as_a_number_looks_for_it_whole_and_leads_with_its_longest_word():
    assert search.query_words("27/PRT/M/2015") == ["27/prt/m/2015"]
    assert search.query_words("keamanan bendungan PP") == ["bendungan", "keamanan", "pp"]
    assert search.query_words("yang dan tentang") == []


def test_accents_and_case_fold():
    assert search.words("PÉDOMAN Keamanan") == ["pedoman", "keamanan"]


def test_an_entrys_words_take_the_best_field_they_appear_in():
    ranked = search.entry_words("government_regulation", "37/2010", "Bendungan 37", ("dam safety",), "bendungan air")
    assert ranked["37/2010"] == search.NUMBER and ranked["37"] == search.NUMBER
    assert ranked["bendungan"] == search.TITLE and ranked["pp"] == search.TITLE and ranked["safety"] == search.TITLE
    assert ranked["air"] == search.SUMMARY
    many = search.entry_words("law", "1", " ".join(f"kata{i}" for i in range(100)), (), "")
    assert len(many) == search.MAX_ENTRY_WORDS


def test_number_then_title_then_summary_then_text_and_other_words_break_ties():
    found = [
        search.Candidate("reg_text", search.TEXT, (search.TITLE,), 2020),
        search.Candidate("reg_title_weak", search.TITLE, (search.TEXT,), 2020),
        search.Candidate("reg_title_strong", search.TITLE, (search.TITLE,), 2001),
        search.Candidate("reg_number", search.NUMBER, (search.TEXT,), 1990),
        search.Candidate("reg_summary", search.SUMMARY, (search.NUMBER,), 2025),
    ]
    assert [c.entry_id for c in search.order(found)] == [
        "reg_number", "reg_title_strong", "reg_title_weak", "reg_summary", "reg_text"]


def test_newer_entries_come_first_among_equals():
    found = [search.Candidate("reg_old", search.TITLE, (), 2010), search.Candidate("reg_new", search.TITLE, (), 2019)]
    assert [c.entry_id for c in search.order(found)] == ["reg_new", "reg_old"]


def test_a_candidate_missing_a_word_or_shown_higher_already_is_dropped():
    assert search.keep(search.Candidate("r", search.TEXT, (search.TITLE,)), set())
    assert not search.keep(search.Candidate("r", search.TEXT, (None,)), set())
    # "bendungan" in its title and its text: shown once, among the title matches.
    assert not search.keep(search.Candidate("r", search.TEXT, ()), {search.TITLE, search.TEXT})
    assert search.keep(search.Candidate("r", search.TITLE, ()), {search.TITLE, search.TEXT})


def test_the_library_store_imports_first_in_a_fresh_process():
    # The API process builds the store before anything else of the table: its models must load
    # whichever module comes first.
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import chalicelib.adapters.dynamodb.library"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
