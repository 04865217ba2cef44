"""The English language pack (see ``bot.understanding.lang``)."""

from __future__ import annotations

from types import MappingProxyType

from bot.understanding.lang.pack import LanguagePack, wordset

PACK = LanguagePack(
    code="en",
    yes=frozenset(
        {
            "yes",
            "y",
            "yep",
            "yeah",
            "yes please",
            "ok",
            "okay",
            "sure",
            "of course",
            "absolutely",
            "i agree",
            "agree",
            "👍",
        }
    ),
    no=frozenset(
        {
            "no",
            "n",
            "nope",
            "nah",
            "no thanks",
            "no thank you",
            "rather not",
            "never",
            "👎",
        }
    ),
    markers=wordset(
        """
        the of to and is are am was were be been do does did you your yours my we our us they
        their them he she his her it its this that these those there here what when why where who
        which how can could would should will shall have has had get got want need much many long
        fast not with for from at by on about just only please thanks thank hi hello hey morning
        evening afternoon good yes if or any some all too very an
        u ur pls plz thx ty wanna gonna dont didnt im ive cant wont whats idk tbh yo sup
        """
    ),
    weak_markers=frozenset({"hey", "an"}),
    stopwords=wordset(
        """
        the a an of to in on at by for from with about into over and or but if so that which who
        whom this these those it its mine we us our ours yours he him his she her
        they them their be am is are was were been being do does did have has had will would
        shall could may might must there here then than just really actually also too very
        some any well oh ah ok okay um uh please thanks thank honestly honest basically literally
        as whether haha
        """
    ),
    frame_words=wordset(
        """
        how why when what where who which much many not no i you my your can want need know
        get go make say tell more now
        """
    ),
    abbreviations=MappingProxyType(
        {
            "u": "you",
            "ur": "your",
            "r": "are",
            "y": "why",
            "n": "and",
            "pls": "please",
            "plz": "please",
            "thx": "thanks",
            "thnx": "thanks",
            "tnx": "thanks",
            "ty": "thanks",
            "k": "ok",
            "kk": "ok",
            "msg": "message",
            "bc": "because",
            "bcz": "because",
            "cuz": "because",
            "coz": "because",
            "wanna": "want to",
            "gonna": "going to",
            "gotta": "got to",
            "gimme": "give me",
            "lemme": "let me",
            "dont": "do not",
            "didnt": "did not",
            "doesnt": "does not",
            "isnt": "is not",
            "arent": "are not",
            "wasnt": "was not",
            "wont": "will not",
            "cant": "can not",
            "couldnt": "could not",
            "shouldnt": "should not",
            "im": "i am",
            "ive": "i have",
            "youre": "you are",
            "theyre": "they are",
            "whats": "what",
            "hows": "how",
            "thats": "that",
            "theres": "there",
            "ppl": "people",
            "abt": "about",
            "b4": "before",
            "wen": "when",
            "wat": "what",
            "wut": "what",
            "shud": "should",
            "shld": "should",
            "cud": "could",
            "wud": "would",
            "hw": "how",
            "hv": "have",
            "idk": "i do not know",
            "rn": "right now",
            "ya": "you",
            "yr": "your",
            "tho": "though",
            "cya": "bye",
            "tmrw": "tomorrow",
            "tmr": "tomorrow",
            "2moro": "tomorrow",
            "2day": "today",
            "thru": "through",
            "bout": "about",
            "urs": "yours",
            "yall": "you",
            "pic": "photo",
            "pics": "photos",
            "acct": "account",
            "mgr": "manager",
            "lmk": "let me know",
            "nvm": "never mind",
            "tbh": "honestly",
            "imo": "i think",
            "btw": "by the way",
            "info": "information",
            "4u": "for you",
            "dunno": "do not know",
        }
    ),
    number_language="en",
)
