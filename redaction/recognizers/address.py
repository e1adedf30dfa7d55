"""ADDRESS: street lines, UK and US, with the flat/suite/unit and the town that follow.

    221B Baker Street            Flat 3, 14 Acacia Avenue        12 High St, London
    Apt 4B, 1600 Pennsylvania Ave NW                 6486 Cedar Street, Apt 1B, Boise, ID
    Rose Cottage, Mill Lane      5266 lake street, columbus, oh 78014

The core is a house number, one to four name words and a street type ("Street", "rd", "Ave").
Street types that are also everyday words ("way", "park", "hill", "green", "walk") need
capitalised name words ("14 Acacia Way") or a flat/unit in front. Quantities ("order 12 items"),
versions ("version 2 road map"), prices and product titles ("3 Main Street Deals") stay: a
street type needs a name word before it, and a product word right after it cancels the match.
The postcode is left to the POSTCODE recognizer; overlapping it is fine.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.lexicon.heads import lower_keeping_offsets
from redaction.lexicon.names import fold, name_lexicon
from redaction.lexicon.words import PRODUCT_WORDS, word_set
from redaction.types import ADDRESS

#: Street types that mark a street on their own.
STREET_TYPES = word_set(
    """
    street st road rd avenue ave av lane ln drive dr boulevard blvd court ct place pl close
    crescent cres gardens gdns terrace tce terr mews square sq parkway pkwy highway hwy grove
    gr broadway circus embankment esplanade promenade wynd loke causeway crossroad
    """
)
#: Street types that are also everyday words: they need capitalised name words or a unit.
WEAK_STREET_TYPES = word_set(
    """
    way walk row park hill green view end gate rise vale circle cir trail trl path heights
    fields meadows meadow wharf quay yard chase parade pde approach drove croft brow bank
    mount fold glade dale wood woods orchard passage alley market loop run pike turnpike
    expressway freeway expy fwy bypass spur garth lea
    """
)
#: Words that never sit in a street name ("3 items the other way").
NOT_STREET_NAME = word_set(
    """
    a an the of to in on at for and or but nor with from by my your our their his her its
    this that these those other another some any each every all no not is are was were be
    it i you we they he she me us them items item times days weeks months years hours mins
    minutes pounds dollars euros quid bucks pieces units orders parcels boxes people
    """
)
_UNIT_WORDS = (
    r"flat|apt|apartment|unit|suite|ste|room|rm|floor|fl|studio|building|bldg|block|"
    r"maisonette|penthouse|#"
)
UNITS = r"(?:" + _UNIT_WORDS + r")"
#: Words before a number that make it something other than a house number.
NOT_HOUSE = word_set(
    """
    chapter volume vol episode season part page level section step item version size day
    week weeks year years month months row seat gate platform line aisle table pack set lot
    price prices cost costs costing only about around over under than £ $ € x times
    order orders invoice ticket case ref reference code qty quantity buy bought got have had
    """
)
#: "3rd Floor", "Ground floor", "Basement flat": a storey in front of the street line.
_STOREY = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|ground|first|second|third|top|lower|upper|basement)"
    r"\s+(?:floor|flat)"
)
#: Words that end a building's name: "Alexandra House", "mill yard", "Victoria Wharf".
_BUILDING_WORDS = (
    r"house|court|building|buildings|lodge|mill|mills|yard|place|tower|towers|maltings|wharf|"
    r"works|hall|mansions|apartments|chambers|point|quay|exchange|centre|center|studios|"
    r"cottages|heights|gardens|lofts|warehouse"
)
#: "The Maltings", "alexandra house": a building's name between the flat and the street line,
#: capitalised ("Riverside Court") or lower-case with a building word or "the" in front.
_BUILDING = (
    r"(?:(?-i:(?:The[ \t]+)?[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2})"
    r"|the[ \t]+[a-z]+(?:[ \t]+[a-z]+)?"
    r"|(?:[a-z]+[ \t]+){0,2}(?:" + _BUILDING_WORDS + r"))"
    r"(?:[ \t]*,[ \t]*\n?[ \t]*|[ \t]*\n[ \t]*)"
)
_DIRECTION = r"(?:[NS][EW]?|[EW]|north|south|east|west|northeast|northwest|southeast|southwest)"
_NOT_NAME = r"(?!(?:" + "|".join(sorted(NOT_STREET_NAME)) + r")\b)"
_NAME_WORD = _NOT_NAME + r"(?:[A-Za-z][A-Za-z'\u2019\-]*\.?|\d{1,3}(?:st|nd|rd|th))"
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[\-/]\d{1,5}[A-Za-z]?)?"
_UNIT = UNITS + r"\.?\s*#?\s*[A-Za-z0-9]{1,5}(?:[\-/][A-Za-z0-9]{1,4})?"
_TYPES = "|".join(sorted(STREET_TYPES | WEAK_STREET_TYPES, key=len, reverse=True))
#: A US state or a UK county-like abbreviation after the town: "OR", "NC", "oh" before a ZIP.
_STATE = r"[A-Z]{2}(?![A-Za-z0-9])|[a-z]{2}(?=\s+\d{5}\b)"

STREET_LINE = re.compile(
    r"(?<![\w£$€.\-/])"
    r"(?P<unit>(?:" + _UNIT + r"|" + _STOREY + r")(?:\s*,\s*|\s*\n\s*|\s+)(?:" + _BUILDING + r")?)?"
    r"(?P<number>(?:(?:no|number|" + _UNIT_WORDS + r")\.?\s*)?" + _NUMBER + r")\s*,?\s+"
    r"(?P<name>the|(?:the[ \t]+)?" + _NAME_WORD + r"(?:[ \t]+" + _NAME_WORD + r"){0,3})"
    r"[ \t]+(?P<type>" + _TYPES + r")\.?(?![\w\-])"
    r"(?P<direction>[ \t]+" + _DIRECTION + r"(?![\w\-]))?",
    re.IGNORECASE,
)
_CUT_WORD = re.compile(r"[A-Za-z0-9\-]")
_STREET_TYPE = re.compile(r"(?<![\w\-])(?:" + _TYPES + r")(?![\w\-])")
#: "PO Box 4417": a postal address without a street.
PO_BOX = re.compile(
    r"(?<![\w])(?:p\.?\s?o\.?\s*box|post\s+office\s+box)\s+\d{1,6}\b", re.IGNORECASE
)
#: "Rose Cottage, Mill Lane": a house name, then a street without a number.
HOUSE_AND_STREET = re.compile(
    r"(?<![\w])[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?[ \t]+(?:Cottage|Cottages|House|Farm|Farmhouse|"
    r"Lodge|Barn|Manor|Villa|Mill|Bungalow|Grange|Rectory|Vicarage|Croft|Hall|Court)"
    r"(?:\s*,\s*|\s*\n\s*)[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2}[ \t]+(?:"
    + "|".join(
        sorted((t.capitalize() for t in STREET_TYPES | WEAK_STREET_TYPES), key=len, reverse=True)
    )
    + r")\.?(?![\w\-])"
)
_UNIT_AFTER = re.compile(r"\s*,?\s*" + _UNIT + r"(?![\w\-])", re.IGNORECASE)
_TOWN_WORD = re.compile(r"([A-Za-z][A-Za-z'\u2019\-]*+\.?)(?![0-9])")
_TOWN_SEP = re.compile(r"[ \t]*(?:,|\n)[ \t]*|[ \t]+")
_POSTCODE_AHEAD = re.compile(
    r"\s*,?\s*(?:[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]*\d[A-Za-z]{2}|\d{5}(?:-\d{4})?)\b"
)
_LINE_ENDS = re.compile(r"[ \t]*(?:$|[,\n])")
_STATE_ONLY = re.compile(r"[A-Z]{2}")
#: A district or short postcode after the town, before punctuation: "Dublin 2", "Sydney 2000".
_DISTRICT = re.compile(r"[ \t]+\d{1,4}(?=[ \t]*(?:$|[,.;\n)]))")
_STATE_AFTER = re.compile(r"[ \t]*,?[ \t]*(" + _STATE + r")")
_US_STATES = (
    "al|ak|az|ar|ca|co|ct|de|dc|fl|ga|hi|id|il|in|ia|ks|ky|la|me|md|ma|mi|mn|ms|mo|mt|ne|nv|nh|"
    "nj|nm|ny|nc|nd|oh|ok|or|pa|ri|sc|sd|tn|tx|ut|vt|va|wa|wv|wi|wy|pr"
)
#: A US town and state without commas, before the ZIP: "… #96 richmond va 35502".
_US_TOWN_STATE = re.compile(
    r"((?:[ \t]+[A-Za-z][A-Za-z'\-]*){1,3})[ \t]+(?:"
    + _US_STATES
    + r")(?=[ \t]*\d{5}(?:-\d{4})?\b)",
    re.IGNORECASE,
)
#: The rest of a US town, then its state and ZIP: "santa| fe, nm 87501".
_STATE_ZIP_AHEAD = re.compile(
    r"(?:[ \t]+[A-Za-z]+){0,2}[ \t]*,?[ \t]*(?:"
    + _US_STATES
    + r")[ \t]*,?[ \t]*\d{5}(?:-\d{4})?\b",
    re.IGNORECASE,
)
#: A weak street type in lower case is a street when a town and a postcode follow it:
#: "219b beech way, durham, ll11 5qq".
_TOWN_THEN_POSTCODE = re.compile(
    r"[ \t]*,[ \t]*[A-Za-z][A-Za-z'\-]*(?:[ \t]+[A-Za-z][A-Za-z'\-]*)?[ \t]*,?[ \t]*"
    r"(?:[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]*\d[A-Za-z]{2}|\d{5}(?:-\d{4})?)\b"
)
#: What may sit between two pieces of one address: a comma or line breaks.
_JOIN_GAP = re.compile(r"[ \t]*,?[ \t]*\n?[ \t]*")


class AddressRecognizer(EntityRecognizer):
    """Street address lines, with the unit before or after and the town after."""

    name: str  # set by EntityRecognizer.__init__

    SCORE = 0.75
    WEAK_SCORE = 0.6

    def __init__(self) -> None:
        super().__init__(supported_entities=[ADDRESS], name="AddressRecognizer")

    def load(self) -> None:
        name_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and ADDRESS not in entities:
            return []
        results: list[RecognizerResult] = []
        last_end = -1
        lowered = lower_keeping_offsets(text)
        for street_type in _STREET_TYPE.finditer(lowered):
            # A street line ends at its type: look for one in the 80 characters before it.
            window_start = max(last_end, street_type.start() - 80, 0)
            window_end = street_type.end() + 12
            for match in STREET_LINE.finditer(text, window_start, window_end):
                if _CUT_WORD.match(text, match.end()):
                    continue  # the window cut a longer type ("Pl|ace"): the next one reads it
                # A street line right after a flat and building line: "flat 3, riverside court\n
                # 59 bridge rise" reads like one with the flat in front.
                follows = bool(results) and self._adjacent(text, results[-1].end, match.start())
                score = self._street_score(match, follows)
                if score is None or match.start() < last_end:
                    continue
                end = self._extend(text, match.end())
                results.append(self._result(match.start(), end, score))
                last_end = end
            if last_end <= street_type.start():
                house = HOUSE_AND_STREET.search(text, window_start, street_type.end() + 1)
                if house and house.end() >= street_type.end():
                    end = self._extend(text, house.end())
                    results.append(self._result(house.start(), end, 0.7))
                    last_end = end
        if "box" in lowered:
            for match in PO_BOX.finditer(lowered):
                if match.start() >= last_end:
                    end = self._extend(text, match.end())
                    results.append(self._result(match.start(), end, 0.7))
        return self._join(text, results)

    def _join(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """One span for pieces of one address split only by a comma or a line break."""
        results.sort(key=lambda result: result.start)
        joined: list[RecognizerResult] = []
        for result in results:
            if joined:
                last = joined[-1]
                if self._adjacent(text, last.end, result.start):
                    last.end = max(last.end, result.end)
                    last.score = max(last.score, result.score)
                    continue
            joined.append(result)
        return joined

    @staticmethod
    def _adjacent(text: str, end: int, start: int) -> bool:
        gap = _JOIN_GAP.match(text, end, start)
        return end <= start and gap is not None and gap.end() == start

    def _street_score(self, match: re.Match[str], follows: bool = False) -> float | None:
        street_type = match.group("type").lower()
        names = match.group("name").split()
        if names[0].lower() == "the":
            names = names[1:]  # "14 The Crescent"
            # "14 the crescent, bath" is an address; "chapter 3 the road ahead" is not.
            if (
                not names
                and not match.group("type")[0].isupper()
                and not _LINE_ENDS.match(match.string, match.end())
            ):
                return None
        if any(word.lower().rstrip(".") in NOT_STREET_NAME for word in names):
            return None
        if street_type in STREET_TYPES:
            score = self.SCORE
        elif street_type in WEAK_STREET_TYPES:
            titled = all(word[0].isupper() or word[0].isdigit() for word in names)
            titled = titled and match.group("name")[0].isupper()
            if (
                not (titled and match.group("type")[0].isupper())
                and not match.group("unit")
                and not follows
                and not self._weak_confirmed(match)
            ):
                return None
            score = self.WEAK_SCORE
        else:
            return None
        after = match.string[match.end() : match.end() + 20].split(maxsplit=1)
        if after and after[0].strip(",.!?").lower() in PRODUCT_WORDS:
            return None
        preceding = match.string[max(0, match.start() - 20) : match.start()]
        # "wrong size\n3929 …": only words on the same line count
        before = preceding[preceding.rfind("\n") + 1 :].split()
        if not match.group("unit") and before and before[-1].lower().strip(":#") in NOT_HOUSE:
            return None  # "chapter 12 Park Lane", "price is 45 high street brands"
        return score

    @staticmethod
    def _weak_confirmed(match: re.Match[str]) -> bool:
        """A lower-case "way"/"trail" street is one with a flat that ends the line or leads to
        a town, a house number with a letter ("219b"), or a town and postcode after it."""
        text = match.string
        unit = _UNIT_AFTER.match(text, match.end())
        if unit and (
            _LINE_ENDS.match(text, unit.end())
            or _US_TOWN_STATE.match(text, unit.end())
            or _POSTCODE_AHEAD.match(text, unit.end())
        ):
            return True  # "… trail unit 7, anchorage", not "… trail unit 2 replacements"
        if re.fullmatch(r"\d{1,4}[a-z]", match.group("number"), re.IGNORECASE):
            return True
        return bool(_TOWN_THEN_POSTCODE.match(text, match.end()))

    def _extend(self, text: str, pos: int) -> int:
        """Past a unit after the street ("…, Apt 1B"), a town and a state, when present."""
        unit = _UNIT_AFTER.match(text, pos)
        if unit:
            pos = unit.end()
        lower = text[:pos].islower()
        town_end = pos
        for group in range(2):
            words = 0
            cursor = town_end
            while words < 3:
                sep = _TOWN_SEP.match(text, cursor)
                if not sep:
                    break
                joined = "," in sep.group() or "\n" in sep.group()
                if words == 0 and not joined and (lower or group):
                    break  # "to 9 kings lane instead": without a comma, no town
                if words and joined:
                    break  # a comma ends this part of the town
                word = _TOWN_WORD.match(text, sep.end())
                if not word:
                    break
                if (
                    not self._is_town_word(word.group(1), lower)
                    and not (joined and _POSTCODE_AHEAD.match(text, word.end()))
                    and not _STATE_ZIP_AHEAD.match(text, word.end())
                ):
                    break  # "reading" is a town only right before its postcode
                if group and words == 0 and _STATE_ONLY.fullmatch(word.group(1)):
                    break  # "Boise, ID": the state, read below
                cursor = town_end = word.end()
                words += 1
            if not words:
                break
        us_tail = _US_TOWN_STATE.match(text, pos) if town_end == pos else None
        if us_tail and all(
            fold(word) not in NOT_STREET_NAME and fold(word) not in _SENTENCE_STARTS
            for word in us_tail.group(1).split()
        ):
            return us_tail.end()  # "… ave #96 richmond va 35502": no commas
        if town_end > pos:
            state = _STATE_AFTER.match(text, town_end)
            if state and state.group(1).lower() not in {"to", "is", "in", "at", "on", "by"}:
                town_end = state.end()
            elif district := _DISTRICT.match(text, town_end):
                town_end = district.end()  # "Dublin 2", "Auckland 1021"
        return town_end

    @staticmethod
    def _is_town_word(word: str, lower: bool) -> bool:
        folded = fold(word.rstrip("."))
        lexicon = name_lexicon()
        if folded in NOT_STREET_NAME or (folded in lexicon.very_common_words and lower):
            return False
        if word[0].isupper():
            return folded not in _SENTENCE_STARTS and not word.isupper()
        return lower and not lexicon.is_common_word(folded)

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=ADDRESS,
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(
                recognizer=self.name, original_score=score, textual_explanation="street address"
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


#: Capitalised words that start the next sentence rather than name a town.
_SENTENCE_STARTS = word_set(
    """
    thanks thank cheers please also and but so i my we the this that it can could would will
    is are was my postcode zip phone email tel mobile regards best kind many hi hello hey
    sorry ok okay yes no just still when where what how why if then order account address
    line town city county country state province region postal post code name contact
    delivery billing shipping instructions note notes ref reference
    """
)

RECOGNIZER = AddressRecognizer
