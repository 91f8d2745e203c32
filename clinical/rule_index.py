"""The rule table indexed by what its rules name (ATC prefixes, ingredient names, classes), built once per
table. Every kind of rule raises an alert only when a line of the order is one of its subjects (or, for an
interaction, what they interact with), so the checks need only the rules some line is named by: a cart of
three lines meets a dozen of the table's ~340 rules instead of all of them, each asked about every medicine.

The index answers exactly as `clinical.checks.matches` does (tests/clinical/test_rule_index.py compares
them over the demo catalog): it looks up the same three ways `catalog.names.same_ingredient` compares two
names, and every prefix of an ATC code.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from catalog.names import moiety

from .rule_table import Rule, RuleTable, Subject


def _word_prefixes(name: str) -> list[str]:
    """Every `p` with `name.startswith(p + " ")`: the leading words of `name`."""
    return [name[:position] for position, character in enumerate(name) if character == " "]


class RuleIndex:
    def __init__(self, table: RuleTable):
        self.rules = table.rules
        self._any: set[Subject] = set()
        self._by_atc_prefix: dict[str, set[Subject]] = defaultdict(set)
        self._by_name: dict[str, set[Subject]] = defaultdict(set)  # the name itself
        self._by_leading_words: dict[str, set[Subject]] = defaultdict(set)  # each word prefix of the name
        self._by_moiety: dict[str, set[Subject]] = defaultdict(set)
        self._rules_by_subject: dict[Subject, list[int]] = defaultdict(list)
        for position, rule in enumerate(table.rules):
            for subject in dict.fromkeys((*rule.subjects, *rule.interacts_with)):
                self._rules_by_subject[subject].append(position)
                self._add(subject, table)

    def _add(self, subject: Subject, table: RuleTable) -> None:
        if subject.kind == "any":
            self._any.add(subject)
        elif subject.kind == "atc":
            self._by_atc_prefix[subject.value].add(subject)
        elif subject.kind == "ingredient":
            self._add_name(subject.value, subject)
        elif subject.kind == "class":
            drug_class = table.classes[subject.value]
            for prefix in drug_class.atc_prefixes:
                self._by_atc_prefix[prefix].add(subject)
            for member in drug_class.ingredients:
                self._add_name(member, subject)

    def _add_name(self, name: str, subject: Subject) -> None:
        self._by_name[name].add(subject)
        for prefix in _word_prefixes(name):
            self._by_leading_words[prefix].add(subject)
        self._by_moiety[moiety(name)].add(subject)

    def subjects_of(self, medicine) -> frozenset[Subject]:
        """Every subject of the table that `medicine` (a clinical.checks.Medicine) is."""
        found = set(self._any)
        atc_code = medicine.atc_code
        for length in range(1, len(atc_code) + 1):
            found.update(self._by_atc_prefix.get(atc_code[:length], ()))
        for item in medicine.ingredients:
            ingredient = item.name
            # same_ingredient(ingredient, name): equal, one the other's leading words, or the same moiety.
            for name in (ingredient, *_word_prefixes(ingredient)):
                found.update(self._by_name.get(name, ()))
            found.update(self._by_leading_words.get(ingredient, ()))
            found.update(self._by_moiety.get(moiety(ingredient), ()))
        return frozenset(found)

    def rules_for(self, subjects: Iterable[Subject]) -> list[Rule]:
        """The rules naming any of `subjects` (in subjects or interacts_with), in the table's order."""
        positions = {position for subject in subjects for position in self._rules_by_subject.get(subject, ())}
        return [self.rules[position] for position in sorted(positions)]


class Matcher:
    """`clinical.checks.matches` for one run of the checks: each medicine's subjects are looked up once."""

    def __init__(self, index: RuleIndex):
        self.index = index
        self._subjects: dict[int, frozenset[Subject]] = {}  # by id(): the run holds every medicine it asks about

    def subjects_of(self, medicine) -> frozenset[Subject]:
        found = self._subjects.get(id(medicine))
        if found is None:
            found = self._subjects[id(medicine)] = self.index.subjects_of(medicine)
        return found

    def matches(self, medicine, subjects: Sequence[Subject]) -> bool:
        return not self.subjects_of(medicine).isdisjoint(subjects)

    def rules_for(self, lines: Sequence) -> list[Rule]:
        """The only rules that can raise an alert for `lines`: those naming one of them."""
        return self.index.rules_for({subject for line in lines for subject in self.subjects_of(line)})
