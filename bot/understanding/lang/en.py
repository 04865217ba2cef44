"""The English language pack (see ``bot.understanding.lang``)."""

from __future__ import annotations

from types import MappingProxyType

from bot.understanding.lang.pack import LanguagePack, wordset

PACK = LanguagePack(
    code="en",
    # Yes and no as people say them, words or phrases found anywhere in the answer
    # (``bot.understanding.yesno``): "yes, that's fine", "sure, go ahead", "not really".
    # A phrase here wins over its own words: "no problem" is a yes, not "no" + "problem".
    yes=frozenset(
        {
            "yes",
            "y",
            "yep",
            "yup",
            "yeah",
            "yea",
            "yes please",
            "ok",
            "okay",
            "alright",
            "all right",
            "fine",
            "sure",
            "sure thing",
            "of course",
            "absolutely",
            "definitely",
            "certainly",
            "perfect",
            "i agree",
            "agree",
            "i consent",
            "i do",
            "go ahead",
            "go for it",
            "please do",
            "sounds good",
            "no problem",
            "not a problem",
            "no worries",
            "no doubt",
            "without a doubt",
            "why not",
            "do not mind",
            "👍",
            "👌",
            "✅",
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
            "no way",
            "👎",
            "❌",
        }
    ),
    unsure=frozenset(
        {
            "maybe",
            "perhaps",
            "possibly",
            "depends",
            "it depends",
            "not sure",
            "unsure",
            "do not know",
            "no idea",
            "yes and no",
            "sort of",
            "kind of",
            "kinda",
            "let me think",
            "think about it",
            "do not understand",
            "did not understand",
            "what do you mean",
            "🤔",
        }
    ),
    clause_breaks=frozenset({"but", "though", "however", "although"}),
    # said on their own at a step with buttons: a short "you're welcome" and the step again
    thanks=frozenset(
        {
            "thanks",
            "thank you",
            "thanks a lot",
            "thank you so much",
            "many thanks",
            "cheers",
            "much appreciated",
            "appreciate it",
            "🙏",
        }
    ),
    okays=frozenset(
        {
            "ok",
            "okay",
            "alright",
            "all right",
            "great",
            "cool",
            "perfect",
            "nice",
            "good",
            "very good",
            "awesome",
            "excellent",
            "brilliant",
            "lovely",
            "got it",
            "understood",
            "i see",
            "fair enough",
            "sounds good",
            "interesting",
            "👍",
            "👌",
            "👏",
            "🙂",
            "😊",
            "😀",
            "😁",
            "💪",
            "❤",
            "🔝",
            "✅",
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
    count_words=MappingProxyType({"couple": 2, "pair": 2, "dozen": 12}),
    frequency_words=MappingProxyType({"once": 1, "twice": 2, "thrice": 3}),
    times_words=frozenset({"time", "times"}),
    amount_words=MappingProxyType(
        {"fiver": 5, "fivers": 5, "tenner": 10, "tenners": 10, "grand": 1000, "grands": 1000}
    ),
    # "10 grand", "5 mil", "half a mil", "10 thou"
    scale_words=MappingProxyType({"mil": 1e6, "mils": 1e6, "thou": 1e3}),
    # "a few grand", "a few thousand": about 3,000, said back as 2,000 to 4,000
    few_words=MappingProxyType({"few": (2, 4), "several": (3, 6)}),
    zero_words=frozenset({"nothing", "none", "zilch", "nil", "nought", "naught", "zip"}),
    # no money to spend, said anywhere in the answer ("no budget rn"): a budget of € 0
    zero_phrases=frozenset(
        {"no budget", "zero budget", "without a budget", "no ad budget", "budget is zero"}
        | {"i have no budget", "i don't have a budget", "we don't have a budget"}
        | {"i don't have any budget", "we have no budget", "no money", "i have no money"}
        | {"i don't have any money", "we don't have any money", "not a penny", "not a cent"}
        | {"nothing to spend", "can't spend anything", "cannot spend anything", "i'm broke"}
        | {"we're broke", "not spending anything"}
        | {"no ads", "no advertising", "zero ads", "without ads", "stop ads", "stop the ads"}
        | {"stop ads completely", "stopped the ads", "nothing on ads", "no sponsored posts"}
    ),
    factor_words=MappingProxyType(
        dict.fromkeys(("double", "doubled", "doubling", "twice as much", "twice as many"), 2.0)
        | dict.fromkeys(("triple", "tripled", "tripling"), 3.0)
        | dict.fromkeys(("halve", "halved", "halving", "half"), 0.5)
    ),
    amount_questions=frozenset(
        {"how much", "how many", "what's the minimum", "what is the minimum", "what budget"}
        | {"what would i need", "what would we need", "what do i need", "what do we need"}
    ),
    minus_words=frozenset({"minus", "negative"}),
    # money that goes to the agency, not into ads: "if we pay you 300 a month", "your fee of
    # 300" (mistake no. 2); the bot asks which it is
    fee_cues=frozenset(
        {"pay you", "paying you", "paid you", "pays you", "pay u", "give you", "giving you"}
        | {"gave you", "to you", "to you guys", "for you guys", "hire you", "hiring you"}
        | {"hired you", "hire your agency"}
        | {"your agency", "to your agency", "your fee", "your fees", "fee", "fees"}
        | {"management fee", "agency fee", "retainer", "your rate", "your rates", "your price"}
        | {"your services", "your service", "your work", "management", "managing"}
        | {"to manage", "you charge", "you'd charge", "commission"}
        | {"all in", "all-in", "in total", "altogether", "everything included", "all told"}
        | {"between you", "you and ads", "fee and ads", "fee plus ads", "fees and ads"}
    ),
    # money for ads: "300 on ads", "for sponsored posts" (wins right after an amount)
    ads_cues=frozenset(
        {"ads", "adverts", "advert", "advertising", "advertisement", "advertisements"}
        | {"ad spend", "ad budget", "ad campaign", "ad campaigns", "sponsored", "promoted"}
        | {"promotion", "promotions", "boost", "boosting", "boosted", "boosts", "campaign"}
        | {"campaigns", "paid media", "paid reach", "media budget"}
    ),
    # a span said as a phrase, no number in it
    horizon_phrases=MappingProxyType(
        {"this time next year": 12, "this time next month": 1, "in the next year": 12}
        | {"over the next year": 12, "within the next year": 12, "during the next year": 12}
        | {"in the coming year": 12, "over the coming year": 12, "in the next month": 1}
        | {"over the next month": 1, "within the next month": 1, "for the next month": 1}
        | {"for the next year": 12, "for the coming year": 12}
    ),
    # dates a deadline names: "by june", "by christmas", "by 15 march", "by tomorrow"
    month_names=MappingProxyType(
        {
            "january": 1,
            "february": 2,
            "march": 3,
            "april": 4,
            "may": 5,
            "june": 6,
            "july": 7,
            "august": 8,
            "september": 9,
            "october": 10,
            "november": 11,
            "december": 12,
        }
        | {"jan": 1, "feb": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9}
        | {"oct": 10, "nov": 11, "dec": 12}
    ),
    holidays=MappingProxyType(
        {"christmas": "christmas", "xmas": "christmas", "christmas day": "christmas"}
        | {"easter": "easter", "new year": "new_year", "new year's": "new_year"}
        | {"new year's eve": "new_year", "new years eve": "new_year", "new years": "new_year"}
        | {"valentine's day": "valentine", "valentines day": "valentine"}
        | {"valentine's": "valentine"}
        | {"halloween": "halloween", "black friday": "black_friday"}
        | {"thanksgiving": "thanksgiving"}
    ),
    season_names=MappingProxyType(
        {"spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn"}
        | {"winter": "winter"}
    ),
    relative_days=MappingProxyType({"today": 0, "tomorrow": 1}),
    # times of day: "2am", "9 in the evening", "late at night", "at noon", "half past 9"
    day_parts=MappingProxyType(
        dict.fromkeys(("morning", "mornings", "early morning", "early in the morning"), "morning")
        | dict.fromkeys(("lunchtime", "lunch time", "at lunch", "lunch break"), "midday")
        | dict.fromkeys(("afternoon", "afternoons", "late afternoon"), "afternoon")
        | dict.fromkeys(("evening", "evenings", "early evening", "tonight"), "evening")
        | dict.fromkeys(("dinnertime", "dinner time", "after dinner"), "evening")
        | dict.fromkeys(("night", "nights", "overnight", "late night"), "night")
        | dict.fromkeys(("late at night", "late evening", "middle of the night"), "night")
    ),
    clock_words=frozenset({"at", "at around", "at about", "around about"}),
    clock_names=MappingProxyType({"midnight": 0, "noon": 12, "midday": 12}),
    clock_minutes_before=MappingProxyType(
        {"half past": 30, "quarter past": 15, "a quarter past": 15, "quarter after": 15}
        | {"a quarter after": 15, "quarter to": -15, "a quarter to": -15}
    ),
    clock_after=frozenset({"o'clock", "oclock", "sharp"}),
    # "good evening" is a greeting; "we're at 20" says where the page is, not when
    not_times=frozenset(
        {"good morning", "good afternoon", "good evening", "good night", "goodnight"}
        | {"we're at", "we are at", "i'm at", "i am at", "it's at", "it is at", "we were at"}
        | {"currently at", "still at", "stuck at", "now at", "sitting at", "is at", "are at"}
        | {"was at", "were at", "only at", "just at", "already at", "been at", "be at"}
    ),
    # the numbers of a growth question (``bot.growth.slot_filling``): "got 8k followers, how
    # long till 100k", "another 40k", "40k more", "we post like 20 times a week"
    current_cues=frozenset(
        {"starting from", "starting at", "have", "got", "we're at", "i'm at", "at"}
        | {"currently", "now"}
    ),
    target_cues=frozenset(
        {"reach", "get to", "hit", "want", "target", "goal", "to", "till", "until", "til"}
    ),
    more_cues=frozenset({"more", "extra"}),
    more_cues_before=frozenset({"another", "an extra", "additional"}),
    follower_words=frozenset({"follower*"}),
    thing_words=frozenset(
        {
            "room",
            "rooms",
            "bedroom",
            "bedrooms",
            "bed",
            "beds",
            "table",
            "tables",
            "cover",
            "covers",
            "seat",
            "seats",
            "employee",
            "employees",
            "staff",
            "member of staff",
            "partner",
            "partners",
            "branch",
            "branches",
            "shop",
            "shops",
            "store",
            "stores",
            "location",
            "locations",
            "kid",
            "kids",
            "child",
            "children",
            "product",
            "products",
            "client",
            "clients",
            "customer",
            "customers",
            "apartment",
            "apartments",
            "car",
            "cars",
            "square metres",
            "square meters",
            "sqm",
            "kilos",
            "kg",
            "flavours",
            "flavors",
            "pizzas",
            "recipes",
            "reviews",
            "stars",
            "floors",
            "people working",
        }
    ),
    owner_words=frozenset(
        {
            "i",
            "me",
            "my",
            "mine",
            "we",
            "us",
            "our",
            "ours",
            "you",
            "your",
            "yours",
            "u",
            "ur",
            "ya",
            "ye",
            "i'm",
            "we're",
            "im",
        }
    ),
    having_words=frozenset({"has", "have", "had", "got"}),
    posting_words=frozenset({"post", "posts", "reel", "reels", "video", "videos"}),
    content_words=frozenset({"stories"}),
    posting_verbs=frozenset({"post", "posting", "publish", "publishing"}),
    posting_lead_words=frozenset({"posts", "posted"}),
    period_words=MappingProxyType({"week": "week", "day": "day", "month": "month"}),
    period_links=frozenset({"a", "per", "every", "each", "in a", "at the"}),
    # a call asked for with its time: "can we book a call friday 3pm?"
    call_days=frozenset(
        {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
        | {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
        | {"weekday", "weekdays", "weekend", "today", "tomorrow", "tonight"}
    ),
    call_day_parts=frozenset({"morning", "afternoon", "evening", "lunchtime", "lunch", "noon"}),
    call_clock_words=frozenset({"at", "around", "after", "before"}),
    call_clock_suffixes=frozenset({"am", "pm", "a.m.", "p.m."}),
    # a name given in a sentence: "hi, my name is Sarah Jones", "call me Tom"
    name_intros=frozenset(
        {
            "my name is",
            "my name's",
            "name's",
            "the name's",
            "name is",
            "name",
            "i'm",
            "im",
            "i am",
            "call me",
            "you can call me",
            "just call me",
            "people call me",
            "this is",
            "it's",
            "it is",
            "hi",
            "hello",
            "hey",
            "hiya",
            "good morning",
            "good afternoon",
            "good evening",
            "well",
            "sure",
            "nice to meet you",
            "pleased to meet you",
        }
    ),
    name_outros=frozenset(
        {
            "nice to meet you",
            "pleased to meet you",
            "thanks",
            "thank you",
            "cheers",
            "here",
            "speaking",
        }
    ),
    name_breaks=frozenset({"and", "but", "from", "who", "i", "i'm", "im", "because"}),
    # a name given where nobody asked for it: "hi, my name is Sarah Jones"
    name_frames=frozenset({"my name is", "my name's", "the name's", "my full name is"}),
    name_frames_weak=frozenset({"i'm", "im", "i am", "this is", "call me", "you can call me"}),
    negations=frozenset(
        {"not", "no", "never", "nobody", "nothing", "without", "dont"} | {"neither", "nor"}
    ),
    back=frozenset(
        {
            "back",
            "go back",
            "previous",
            "previous question",
            "back one step",
            "step back",
            "undo",
            "wait go back",
            "i made a mistake",
            "let me correct that",
            "⬅",
            "⬅️",
        }
    ),
    cancel=frozenset(
        {
            "never mind",
            "nevermind",
            "cancel",
            "stop",
            "forget it",
            "forget about it",
            "skip it",
            "quit",
            "exit",
            "no thanks forget it",
            "leave it",
            "drop it",
            "not now",
        }
    ),
    resume=frozenset(
        {
            "resume",
            "continue",
            "carry on",
            "go on",
            "pick up where i left off",
            "where were we",
        }
    ),
    # "3, actually 5", "sorry, I mean 5": what comes after is the answer
    corrections=frozenset(
        {"actually", "i mean", "i meant", "or rather", "make that", "scratch that", "correction"}
        | {"sorry i mean", "no wait", "let me correct that", "i should have said"}
    ),
    # a message opening with one corrects the answer given just before: "sorry, 300", "I mean
    # 300" right after answering 200 (``phrasing.read_correction``)
    correction_openers=frozenset(
        {"wait", "no wait", "wait no", "hold on", "sorry", "no sorry", "sorry i mean", "i mean"}
        | {"i meant", "actually", "oops", "whoops", "my bad", "correction", "make that"}
        | {"scratch that", "or rather", "let me correct that", "typo"}
    ),
    hesitations=frozenset(
        {"wait no", "no sorry"}
        | {"wait", "hold on", "hang on", "one sec", "sorry", "oops", "whoops", "oh", "uh", "um"}
        | {"ah", "please", "pls", "no wait", "oh no", "my bad"}
    ),
    # leaving politely: a short goodbye, and every answer kept
    goodbyes=frozenset(
        {
            "not interested",
            "i am not interested",
            "im not interested",
            "not for me",
            "no longer interested",
            "bye",
            "bye bye",
            "goodbye",
            "good bye",
            "see you",
            "see ya",
            "see you later",
            "talk later",
            "that is all",
            "thats all",
            "that is it",
            "thats it",
            "that will be all",
            "i am done",
            "im done",
            "all done",
            "enough",
            "have a nice day",
            "have a good day",
            "take care",
            "let me think about it",
            "ill think about it",
            "i will think about it",
            "ill let you know",
            "i will let you know",
            "ill get back to you",
            "i will get back to you",
            "👋",
        }
    ),
    weak_goodbyes=frozenset({"ciao", "later", "laters"}),
    vague_amounts=frozenset(
        {
            "as many as possible",
            "as many as i can",
            "as much as possible",
            "as many as we can",
            "the more the better",
            "lots",
            "a lot",
            "loads",
            "many",
            "a few",
            "some",
            "no clue",
            "not a clue",
            "no idea really",
            "can not remember",
            "do not remember",
            "you tell me",
            "up to you",
            "you decide",
            "dunno",
            "idk",
        }
    ),
    # a business named in a sentence: "I own a wine bar in Noto", "we run a B&B"
    business_frames=frozenset(
        {"i own a", "i own an", "i run a", "i run an", "i have a", "i have an", "i've got a"}
        | {"i've got an", "we own a", "we own an", "we run a", "we run an", "we have a"}
        | {"we have an", "we've got a", "i manage a", "i manage an", "we manage a"}
        | {"my business is", "my business is a", "my business is an", "our business is"}
        | {"our business is a", "our business is an", "my company is", "i work in"}
        | {"i work in a", "i work in an", "i work as a", "i work as an", "i work at"}
        | {"i work at a", "we are a", "we're a", "we are an", "we're an", "i opened a"}
        | {"we opened a", "i'm the owner of a", "i am the owner of a", "i own"}
    ),
    business_not=frozenset(
        {"question", "questions", "problem", "issue", "doubt", "query", "request", "budget"}
        | {"page", "profile", "account", "website", "site", "idea", "minute", "moment"}
        | {"follower", "followers", "post", "quote", "meeting", "lot", "few", "couple"}
        | {"bit", "little", "million", "thousand", "look", "chance", "friend", "quick"}
        | {"social", "instagram", "facebook", "tiktok", "linkedin", "euros", "year", "years"}
        | {"client", "clients", "customer", "son", "daughter"}
    ),
    business_breaks=frozenset(
        {"and i", "and we", "and my", "and our", "and want", "and would", "but", "because"}
        | {"so i", "so we", "and i'd", "and we'd", "and i'm", "and we're"}
    ),
    place_words=frozenset({"in", "at", "near"}),
    place_not=frozenset(
        {"the", "a", "an", "town", "city", "centre", "center", "downtown", "village"}
        | {"suburbs", "home", "countryside"}
    ),
    greetings=MappingProxyType(
        {
            "good morning": "morning",
            "morning": "morning",
            "good afternoon": "afternoon",
            "afternoon": "afternoon",
            "good evening": "evening",
            "evening": "evening",
        }
    ),
)
