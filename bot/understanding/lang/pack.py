"""The ``LanguagePack`` type (``bot.understanding.lang`` lists the packs)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, TypeVar

_T = TypeVar("_T")


def wordset(text: str) -> frozenset[str]:
    """Word lists are written as plain text, a few per line, so they stay easy to read."""
    return frozenset(text.split())


@dataclass(frozen=True)
class LanguagePack:
    """The words of one language that the code (not the staff's texts) relies on."""

    code: str
    """The language's code in ``bot.languages``."""
    yes: frozenset[str] = frozenset()
    """Words and phrases that say yes to a yes/no question ("sì", "va bene", "non c'è
    problema"), found anywhere in the answer (``bot.understanding.yesno``); compared folded."""
    no: frozenset[str] = frozenset()
    """Words and phrases that say no to a yes/no question ("no", "nope", "no grazie")."""
    unsure: frozenset[str] = frozenset()
    """Words and phrases that answer neither yes nor no ("forse", "dipende", "non so"): the
    question is asked again."""
    clause_breaks: frozenset[str] = frozenset()
    """Words that start a new clause, as a comma does ("ma", "but"): a negation stops there."""
    thanks: frozenset[str] = frozenset()
    """A thank-you said on its own ("grazie", "thanks"), answered with a short "you're welcome"."""
    okays: frozenset[str] = frozenset()
    """An acknowledgement said on its own ("ok", "perfetto", "great", "👍")."""
    markers: frozenset[str] = frozenset()
    """Frequent words (accents folded) that, in a chat, belong to this language only: language
    detection counts them."""
    weak_markers: frozenset[str] = frozenset()
    """Markers said in other languages too ("ciao", "hey"): weaker evidence."""
    stopwords: frozenset[str] = frozenset()
    """Lemmas that say nothing about what someone wants (question words deliberately absent)."""
    frame_words: frozenset[str] = frozenset()
    """Lemmas that frame a question without being its topic ("how", "posso")."""
    abbreviations: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Chat spellings and what they stand for in this language ("nn" -> "non", "x" -> "per"),
    written out by ``spell_word`` / ``spell_out`` for every reader (yes/no, numbers and money,
    corrections, the intents' normalisation)."""
    number_language: str | None = None
    """The language text2num reads spelled numbers in ("diecimila"), None when it has none."""
    count_words: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Words typed as a count in an answer ("paio" 2, "couple" 2, "dozen" 12); "a couple
    hundred" is 200."""
    frequency_words: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """How many times, in one word ("twice" 2): "twice a week" is 2 a week."""
    times_words: frozenset[str] = frozenset()
    """"Times" after a count ("3 volte a settimana", "3 times a week"): skipped when reading it."""
    amount_words: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Slang for an amount of money, with its value ("centone" 100, "grand" 1000)."""
    scale_words: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Words that multiply the number before them, beyond the numerals' own ("10 grand",
    "un migliaio", "5 mil", "qualche migliaio"), read in free text and answers alike; after
    an article they stand for one of themselves ("a grand", "un migliaio di follower") when
    the phrase goes on as an amount does (``bot.understanding.numbers.number_words``)."""
    few_words: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """A small count said without a number, as the range it usually means ("few" 2-4,
    "qualche" 2-4): "a few grand" is 3,000, between 2,000 and 4,000, and an answer says both
    ends back; only before a scale ("a few thousand", "qualche migliaio"), never alone."""
    zero_words: frozenset[str] = frozenset()
    """A whole answer meaning zero ("niente", "zilch")."""
    zero_phrases: frozenset[str] = frozenset()
    """Phrases that say there is no money to spend ("non ho budget", "no money"): a budget of
    zero, found anywhere in the answer, chat spellings written out first ("nn ho soldi")."""
    minus_words: frozenset[str] = frozenset()
    """Words right before a number that make it negative ("meno", "minus")."""
    fee_cues: frozenset[str] = frozenset()
    """Phrases that say an amount goes to the agency, not into ads ("vi pago", "a voi",
    "compenso", "pay you", "your fee"): an amount they govern is ``to_agency``
    (``bot.understanding.numbers.money``), and a bare number they govern is money ("il
    vostro compenso è 300"). A trailing "*" matches any ending ("vi pag*"). Staff add more
    in ``locales/<code>/words.yaml`` (``fee:``)."""
    ads_cues: frozenset[str] = frozenset()
    """Phrases that say an amount is for ads ("sponsorizzate", "pubblicità", "on ads"): right
    after an amount they win over a fee cue before it ("vi pago 300 di sponsorizzate" is ads).
    Staff add more in ``locales/<code>/words.yaml`` (``ads:``)."""
    horizon_phrases: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Phrases that are a time span on their own, in months ("this time next year" 12, "a
    quest'ora l'anno prossimo" 12): read by ``bot.understanding.entities`` as a ``TimeSpan``."""
    month_names: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Month names and their usual short forms, with the month's number ("giugno" 6, "sept" 9):
    deadlines ("entro giugno", "by 15 march") in ``bot.understanding.entities``. Short forms
    that are common words ("mar", "ago", "set") are left out."""
    holidays: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Holidays a deadline may name, with the holiday they are ("natale" ``christmas``, "by
    easter" ``easter``, "black friday" ``black_friday``); the ids and their dates are in
    ``bot.understanding.entities.HOLIDAYS``."""
    season_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Seasons, with the season they are ("estate" ``summer``, "fall" ``autumn``): "entro
    l'estate" is the start of summer, June 21."""
    relative_days: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Days named from today, with how many days ahead they are ("domani" 1, "tomorrow" 1):
    "entro domani" is a deadline."""
    day_parts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Parts of the day and which they are: ``morning``, ``midday``, ``afternoon``, ``evening``
    or ``night`` ("di sera" ``evening``, "la sera tardi" ``night``, "late at night" ``night``):
    after an hour they say am or pm ("alle 9 di sera" is 21:00), alone they are a time of day
    without an hour (``bot.understanding.numbers.clock``)."""
    clock_words: frozenset[str] = frozenset()
    """Words right before an hour that make a bare number one ("alle", "verso le", "dalle",
    "ore", "at"): "tutto alle 7" is 7 o'clock (morning or evening unsaid); "alle 2 persone" is
    not, for a countable noun follows."""
    clock_hour_words: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Number words read as an hour only right after a clock word, being something else
    elsewhere ("sei": "alle sei" is 6 o'clock, "sei bravo" is "you are")."""
    clock_names: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Hours said by name, with the hour ("mezzanotte" 0, "mezzogiorno" 12, "all'una" 1,
    "noon" 12, "midnight" 0)."""
    clock_minutes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Phrases right after an hour that give its minutes ("e mezza" 30, "e un quarto" 15,
    "meno un quarto" -15: "alle 9 meno un quarto" is 8:45)."""
    clock_minutes_before: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Phrases right before an hour that give its minutes ("half past" 30, "quarter to" -15)."""
    clock_after: frozenset[str] = frozenset()
    """Words right after an hour that make a bare number one ("in punto", "o'clock", "sharp")."""
    not_times: frozenset[str] = frozenset()
    """Phrases whose clock word or part of the day is no time ("buona sera", "good evening",
    "we're at": "we're at 20" is a count): the words in them are not read as times."""
    current_cues: frozenset[str] = frozenset()
    """Phrases before today's follower count ("ho", "siamo a", "have", "we're at"), a few words
    between allowed ("ho circa 800"): the number after one is where the page is now
    (``bot.growth.slot_filling``). A trailing "*" matches any ending, as in all the phrase
    lists below; a word with an accent matches without it too ("più", "piu")."""
    target_cues: frozenset[str] = frozenset()
    """Phrases before the follower count wanted ("voglio", "arrivare a", "reach", "till"): the
    number after one is the target; it wins over a current cue before it ("ho 800 e voglio
    arrivare a 5000")."""
    more_cues: frozenset[str] = frozenset()
    """Phrases right after a count that make it an increase ("40k more", "10mila in più"):
    added to today's count for the target."""
    more_cues_before: frozenset[str] = frozenset()
    """Phrases right before a count that make it an increase ("altri 40k", "another 40k")."""
    follower_words: frozenset[str] = frozenset()
    """What the audience is called after a count ("follower*"): skipped before a more cue
    ("40k followers more")."""
    thing_words: frozenset[str] = frozenset()
    """What a business counts that is not an audience, right after a number ("4 camere",
    "10 tables", "3 dipendenti"): such a number is never read as followers."""
    owner_words: frozenset[str] = frozenset()
    """Words that make a question about the prospect's page or the agency ("my", "our", "you",
    "mio", "nostro", "voi"): "how many followers does Taylor Swift have?" has none of them, so
    it asks about someone else's page, not a growth the bot can project."""
    having_words: frozenset[str] = frozenset()
    """A page having followers, said of someone ("ha", "has", "got"): with no ``owner_words``,
    whose followers are asked about is someone else's."""
    posting_words: frozenset[str] = frozenset()
    """What is posted, that makes a count a number of posts even with no period ("3 post",
    "2 reels": a week, the question's unit); "3 post al giorno" says its own."""
    content_words: frozenset[str] = frozenset()
    """Other names of what is posted ("contenuti", "stories"): a count before one is a number
    of posts only with how often ("3 contenuti a settimana"). ``times_words`` count likewise
    ("3 volte a settimana")."""
    posting_verbs: frozenset[str] = frozenset()
    """Verbs of posting ("pubblichiamo", "posto", "we post", "publishing"): the words after one
    are read as how often ("posto ogni giorno", "we post twice a day"), and a count a few words
    after one, then a period, is posts ("posto tipo 5 al giorno")."""
    posting_lead_words: frozenset[str] = frozenset()
    """More words that make a count a few words after them, then a period, posts ("vorrei
    pubblicare 5 a settimana", "we posted 3 a day", "posts: 5 a week"), but whose next words
    are not read as how often, as a verb's are: too much follows them ("my posts get 200 likes
    a day")."""
    period_words: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """A period after a count of posts, and which it is ("settimana" ``week``, "giorno"
    ``day``, "month" ``month``): "3 post a settimana"."""
    period_links: frozenset[str] = frozenset()
    """Words between a count of posts and its period ("a", "al", "ogni", "every", "in a"): "3
    post al giorno"; a one-word link after "3 post" with no period read ("3 post al dì", "3
    posts every other day") keeps the count from being a week's."""
    call_days: frozenset[str] = frozenset()
    """Days a call may be set on, written out or short ("giovedì", "gio", "domani", "friday",
    "weekend"): kept as said for the call (``bot.agency.calls``); compared accents folded."""
    call_day_parts: frozenset[str] = frozenset()
    """Parts of the day for a call ("pomeriggio", "sera", "morning", "lunch")."""
    call_clock_words: frozenset[str] = frozenset()
    """Words before an hour for a call ("alle", "verso le", "at", "around"): "verso le 4"."""
    call_clock_suffixes: frozenset[str] = frozenset()
    """Words right after an hour that make it one ("am", "p.m."): "3pm", "10 a.m."."""
    name_intros: frozenset[str] = frozenset()
    """Phrases that introduce a name given in a sentence ("mi chiamo", "my name is", "ciao"):
    dropped from the start of an answer to a name question."""
    name_outros: frozenset[str] = frozenset()
    """Courtesies said after a name ("piacere", "nice to meet you"): dropped from its end."""
    name_breaks: frozenset[str] = frozenset()
    """Words that start a new clause after a name ("e", "and", "from"): the name ends there."""
    name_frames: frozenset[str] = frozenset()
    """Phrases that always introduce the speaker's name ("mi chiamo", "my name is"): a name
    after one is kept from any message, even where no question asks for it."""
    name_frames_weak: frozenset[str] = frozenset()
    """Phrases that introduce a name only sometimes ("sono", "I'm": "sono di Palermo", "I'm
    interested"): a name after one is kept from any message only when typed with a capital
    ("sono Marco Ferrara", "I'm Sarah")."""
    negations: frozenset[str] = frozenset()
    """Words that turn what follows around ("non", "not", "never"): a message with one is not
    read as a button's words ("non voglio parlare con una persona")."""
    back: frozenset[str] = frozenset()
    """Messages that ask for the previous question again ("indietro", "go back")."""
    cancel: frozenset[str] = frozenset()
    """Messages that leave the current question for the menu ("lascia perdere", "never mind")."""
    resume: frozenset[str] = frozenset()
    """Messages that go back to a question left unfinished ("riprendi", "continue")."""
    slot_words: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    """Other names of an answer, by slot ("piattaforma" for ``platform``): a prospect naming one
    where answers may be changed (``updates:``) is asked it again. Content words, so staff
    write them in ``locales/<code>/words.yaml`` (``slots:``)."""
    factor_words: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Words that change an answer by a factor ("raddoppio" 2, "halve" 0.5): "e se raddoppio
    il budget?" at a result is the budget times two."""
    amount_questions: frozenset[str] = frozenset()
    """Words that ask for an amount ("quanto devo", "how much"): a message with them, typed
    where answers may be changed, is a question to answer, not a new value ("how much do I need
    to spend to reach 25k?" is no budget of 25,000)."""
    corrections: frozenset[str] = frozenset()
    """Words after which an answer says again what it meant ("anzi", "o meglio", "I mean",
    "actually"): "3, anzi 5" answers 5 (``bot.understanding.phrasing``)."""
    correction_openers: frozenset[str] = frozenset()
    """Words a message opens with to correct the answer given just before ("anzi", "scusa",
    "correggi", "wait", "sorry", "I mean"): "anzi 300", typed at the next question, changes
    the previous answer when 300 fits it (``bot.understanding.phrasing.read_correction``)."""
    hesitations: frozenset[str] = frozenset()
    """Words said around a correction that carry nothing ("aspetta", "scusa", "wait", "oops"):
    "no aspetta, torna indietro" is a "back" (``bot.understanding.phrasing``)."""
    goodbyes: frozenset[str] = frozenset()
    """A prospect leaving politely ("non mi interessa", "basta", "not interested", "bye"),
    answered with a short goodbye; said with thanks or a no too ("no grazie, ciao")."""
    weak_goodbyes: frozenset[str] = frozenset()
    """Greetings that are a goodbye only next to one of ``goodbyes``, thanks or a no ("ciao" on
    its own is a hello; "grazie, ciao" is a goodbye)."""
    vague_amounts: frozenset[str] = frozenset()
    """A number question answered without a number ("il più possibile", "as many as
    possible"): read like ``unsure``, with the question's help instead of its retry."""
    greetings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Greetings that say the time of day or a register, and which: "buongiorno" ->
    ``morning``, "good evening" -> ``evening``, "salve" -> ``formal``; texts greet back in kind
    with the value ``greeting_said``."""
    business_frames: frozenset[str] = frozenset()
    """Phrases that introduce the prospect's business ("ho una", "gestisco un", "I run a", "my
    business is"): what follows, to the end of the clause, is the business
    (``bot.understanding.business``); a phrase ending in an apostrophe ("un'") joins the word
    after it ("un'enoteca")."""
    business_not: frozenset[str] = frozenset()
    """Words that make "ho una …" / "I have a …" something else than a business ("domanda",
    "problema", "question", "budget"): a business is not picked out of such a message."""
    business_breaks: frozenset[str] = frozenset()
    """Phrases that end the business named in a sentence ("e vorrei", "ma", "and I", "but")."""
    place_words: frozenset[str] = frozenset()
    """Words before a place ("a", "in", "near"): the place after one is written with capitals
    ("a catania" -> "a Catania")."""
    place_not: frozenset[str] = frozenset()
    """Words after a place word that are no place names ("centro", "città", "town")."""


_CHAT_WORD = re.compile(r"(?<![\w@.'\u2019])[^\W\d_]+(?![\w@'\u2019]|\.\w)")


def spell_word(word: str, pack: LanguagePack) -> str:
    """What the chat spelling ``word`` (lowercase) stands for in ``pack``'s language ("nn" ->
    "non", "x" -> "per", "cmq" -> "comunque"; maybe several words: "xfavore" -> "per
    favore"), or ``word`` itself. The one place chat spellings are written out: every reader
    goes through it (or ``spell_out``)."""
    return pack.abbreviations.get(word, word)


def spell_out(text: str, pack: LanguagePack, keep: Collection[str] = ()) -> str:
    """``text`` with its chat spellings written out (``spell_word``), the rest as typed: words
    only, never inside an address, a number ("10k") or an elision ("c'è"); words in ``keep``
    ("k" after a number) stay as they are."""
    if not pack.abbreviations:
        return text

    def one(match: re.Match[str]) -> str:
        word = match.group()
        low = word.lower()
        return word if low in keep else spell_word(low, pack) if low in pack.abbreviations else word

    return _CHAT_WORD.sub(one, text)


_BUILT: dict[tuple[int, str], tuple[LanguagePack, Any]] = {}


def built_once(pack: LanguagePack, name: str, build: Callable[[LanguagePack], _T]) -> _T:
    """``build(pack)``, computed once per pack and ``name``: the readers' phrase tables and
    patterns (packs are frozen, but not hashable: their maps are not)."""
    found = _BUILT.get((id(pack), name))
    if found is not None and found[0] is pack:
        return found[1]
    if len(_BUILT) > 256:  # content reloads make new packs; keep the cache small
        _BUILT.clear()
    value = build(pack)
    _BUILT[(id(pack), name)] = (pack, value)
    return value


MOVE_WORDS = ("back", "cancel", "resume")
"""The pack's word lists that move the conversation (the engine reads them whole-message)."""


def with_words(pack: LanguagePack, yes: Iterable[str] = (), no: Iterable[str] = ()) -> LanguagePack:
    """``pack`` with more yes/no words (staff's ``words.yaml``)."""
    return replace(pack, yes=pack.yes | frozenset(yes), no=pack.no | frozenset(no))


def with_money_cues(
    pack: LanguagePack, fee: Iterable[str] = (), ads: Iterable[str] = ()
) -> LanguagePack:
    """``pack`` with more fee and ads cues (staff's ``words.yaml``, ``fee:`` and ``ads:``)."""
    return replace(
        pack,
        fee_cues=pack.fee_cues | frozenset(w.lower() for w in fee),
        ads_cues=pack.ads_cues | frozenset(w.lower() for w in ads),
    )


def with_slot_words(pack: LanguagePack, words: Mapping[str, Iterable[str]]) -> LanguagePack:
    """``pack`` with more names for slots (staff's ``words.yaml``, ``slots:``)."""
    merged = {slot: frozenset(names) for slot, names in pack.slot_words.items()}
    for slot, names in words.items():
        merged[slot] = merged.get(slot, frozenset()) | frozenset(names)
    return replace(pack, slot_words=MappingProxyType(merged))


def with_move_words(pack: LanguagePack, words: Mapping[str, Iterable[str]]) -> LanguagePack:
    """``pack`` with more words in its ``MOVE_WORDS`` lists (staff's ``words.yaml``)."""
    extra = {name: getattr(pack, name) | frozenset(words.get(name, ())) for name in MOVE_WORDS}
    return replace(pack, **extra)
