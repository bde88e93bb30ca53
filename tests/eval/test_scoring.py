"""The scorer both systems are judged by: normalisation, the word budget, whole-turn containment."""

from __future__ import annotations

from relbot.eval.normalise import normalise
from relbot.eval.qmsum import speaker_label
from relbot.eval.scoring import budgeted_context, countable_turns, coverage


def test_marks_punctuation_and_case_are_ignored() -> None:
    assert normalise("Uh okay . {vocalsound} So the {disfmarker} remote's COLOUR!") == "uh okay so the remote s colour"


def test_short_and_repeated_gold_turns_do_not_count() -> None:
    assert countable_turns(["Yeah .", "Mm-hmm {vocalsound} .", "We need a yellow case.", "we need a YELLOW case"]) == [
        "we need a yellow case"
    ]


def test_a_turn_counts_only_when_whole_inside_one_passage() -> None:
    gold = countable_turns(["the battery lasts two years", "we agreed on rubber buttons"])
    split = ["Marketing: the battery lasts", "two years. Designer: we agreed on rubber buttons"]
    assert coverage(gold, budgeted_context(split, 100)) == 0.5
    # Word-aligned: a turn is not found inside a longer word.
    assert coverage(countable_turns(["cost is ten euros"]), ["the cost is ten euros"]) == 1.0
    assert coverage(countable_turns(["cost is ten euros"]), ["recost is ten euros"]) == 0.0


def test_budget_cuts_the_passage_that_crosses_it() -> None:
    passages = ["one two three four", "five six seven eight nine", "ten"]
    assert budgeted_context(passages, 6) == ["one two three four", "five six"]
    gold = countable_turns(["five six seven eight"])
    assert coverage(gold, budgeted_context(passages, 6)) == 0.0
    assert coverage(gold, budgeted_context(passages, 8)) == 1.0


def test_marks_cost_no_budget() -> None:
    assert budgeted_context(["{vocalsound} {disfmarker} a b", "c"], 3) == ["a b", "c"]


def test_committee_speaker_titles_become_loader_friendly_labels() -> None:
    assert speaker_label("The Chair (Hon. Anthony Rota (NipissingTimiskaming, Lib.))") == "The Chair"
    assert speaker_label("Hon. Bill Blair (Minister of Public Safety and Emergency Preparedness)") == "Hon. Bill Blair"
    assert speaker_label("Mr. Chris d'Entremont") == "Mr. Chris D'Entremont"
    assert speaker_label("Project Manager") == "Project Manager"
