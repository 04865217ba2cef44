"""Numbers and money in what prospects type on a phone, in Italian and English.

People write "10k", "10.000", "1,5 mln", "diecimila", "ten grand", "un paio di migliaia" or "one
and a half million" for the same kind of quantity, and "€ 300", "300 al mese" or "$15" for money.
Everything here works on one token stream (``analyse``) so that numbers, money and time spans (see
``entities``) agree on where each number starts and ends, and a free-text question reads an
amount as an answer does. Number words are read by text2num; this package only adds what text2num
does not know (scale suffixes and slang, "e mezzo", "mezzo milione", counts of a scale, "a few
grand" as 3,000 between 2,000 and 4,000) and removes what it over-reads ("un post", "sei bravo",
"grazie mille").

The parts, each using only those before it: ``lexer`` (the token stream's units), ``number_words``
(spelled numbers and scales; ``analyse``), ``fees`` (whether the agency's fee or ads govern an
amount), ``money`` (amounts with a currency or a period, or a fee or ads cue; ``to_agency``),
``parse`` (every number; the one number or budget of an answer) and ``answers`` (counts and money
in the question's own terms, with periods and ranges).
"""

from __future__ import annotations

from bot.understanding.numbers.answers import Amount, money_ranges, read_count, read_money
from bot.understanding.numbers.lexer import Tok
from bot.understanding.numbers.money import MoneyMention, find_money, money_from_tokens
from bot.understanding.numbers.number_words import (
    TIME_UNITS,
    analyse,
    half_after,
    is_percent,
    percents_from_tokens,
)
from bot.understanding.numbers.parse import (
    NumberMention,
    find_numbers,
    parse_money,
    parse_number,
)

__all__ = [
    "TIME_UNITS",
    "Amount",
    "MoneyMention",
    "NumberMention",
    "Tok",
    "analyse",
    "find_money",
    "find_numbers",
    "half_after",
    "is_percent",
    "money_from_tokens",
    "money_ranges",
    "parse_money",
    "parse_number",
    "percents_from_tokens",
    "read_count",
    "read_money",
]
