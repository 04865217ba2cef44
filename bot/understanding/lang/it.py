"""The Italian language pack (see ``bot.understanding.lang``)."""

from __future__ import annotations

from types import MappingProxyType

from bot.understanding.lang.pack import LanguagePack, wordset

PACK = LanguagePack(
    code="it",
    # Yes and no as people say them, words or phrases found anywhere in the answer
    # (``bot.understanding.yesno``): "sì, va bene", "certo che sì", "non adesso", "per ora no".
    # A phrase here wins over its own words: "non c'è problema" is a yes, not "non" + "problema".
    yes=frozenset(
        {
            "si",
            "sì",
            "s",
            "sisi",
            "si grazie",
            "ok",
            "okay",
            "certo",
            "certamente",
            "sicuramente",
            "ovvio",
            "ovviamente",
            "assolutamente",
            "esatto",
            "esattamente",
            "perfetto",
            "va bene",
            "va benissimo",
            "d'accordo",
            "daccordo",
            "volentieri",
            "acconsento",
            "accetto",
            "do il consenso",
            "affermativo",
            "vai",
            "vai pure",
            "fai pure",
            "fate pure",
            "procedi",
            "procedete",
            "come no",
            "perché no",
            "non c'è problema",
            "non ci sono problemi",
            "non ho problemi",
            "nessun problema",
            "senza problemi",
            "figurati",
            "ci mancherebbe",
            "non vedo l'ora",
            "👍",
            "👌",
            "✅",
        }
    ),
    no=frozenset(
        {
            "no",
            "n",
            "no grazie",
            "preferisco di no",
            "mai",
            "per niente",
            "nemmeno per sogno",
            "manco per sogno",
            "👎",
            "❌",
        }
    ),
    unsure=frozenset(
        {
            "forse",
            "boh",
            "mah",
            "dipende",
            "chissà",
            "magari",
            "può darsi",
            "vediamo",
            "più o meno",
            "sì e no",
            "non so",
            "non lo so",
            "non saprei",
            "non sono sicuro",
            "non sono sicura",
            "non ne sono sicuro",
            "non ne sono sicura",
            "ci penso",
            "ci devo pensare",
            "devo pensarci",
            "fammi pensare",
            "non ho capito",
            "non capisco",
            "in che senso",
            "🤔",
        }
    ),
    clause_breaks=frozenset({"ma", "però", "tuttavia", "invece"}),
    # said on their own at a step with buttons: a short "figurati" and the step again
    thanks=frozenset(
        {
            "grazie",
            "grazie mille",
            "mille grazie",
            "grazie tante",
            "grazie infinite",
            "ti ringrazio",
            "vi ringrazio",
            "gentilissimi",
            "gentilissimo",
            "gentilissima",
            "🙏",
        }
    ),
    okays=frozenset(
        {
            "ok",
            "okay",
            "okok",
            "perfetto",
            "ottimo",
            "bene",
            "benissimo",
            "molto bene",
            "va bene",
            "capito",
            "chiaro",
            "tutto chiaro",
            "d'accordo",
            "interessante",
            "fantastico",
            "bello",
            "bellissimo",
            "top",
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
        il lo la le gli di del della dei degli delle dello dell nel nella nei nelle sul sulla sui
        al alla ai agli alle dal dalla dai da che chi non per con sono sei siamo siete ho hai ha
        abbiamo avete hanno mi ti ci vi si io tu noi voi lui lei mio mia miei mie tuo tua vostro
        vostra vostri nostro nostra nostri anche ma perche quanto quanta quanti quante quando
        cosa dove questo questa quello quella piu molto tutto tutti niente nulla ogni solo ancora
        dopo prima gia sempre mai posso puoi puo possiamo potete voglio vuoi vorrei fate fare
        fatto grazie buongiorno buonasera buonanotte salve arrivederci ciao un una uno e o ed
        se qualcuno qualcosa allora quindi pero cioe boh mah tra fra su sto sta stai va vai vado
        x xke xk pke pk ke nn cmq qnd qnt sn anke ki qlc tvb grz buondi raga
        vulissi vogghiu parrari pirsuna quantu comu unni nenti nuddu sugnu semu picciotti chiossai
        """
    ),
    weak_markers=frozenset({"ciao", "e", "o", "se", "su", "ma"}),
    stopwords=wordset(
        """
        il lo la i gli le l un uno una di d a da in con su per tra fra del dello della dei degli
        delle dell al allo alla ai agli alle all dal dallo dalla dai dagli dalle nel nello nella
        nei negli nelle sul sullo sulla sui sugli sulle e ed o ma se che chi cui ci mi ti si vi ne
        lui lei loro essere avere stare questo quello questa quella questi
        quelli cosi poi gia ancora anche pure proprio allora quindi comunque pero eh ah oh beh
        mah boh ok okay dunque cioe tipo ecco senta scusa scusate scusi ehm po favore prego bene
        grazie sinceramente praticamente insomma veramente davvero haha
        """
    ),
    frame_words=wordset(
        """
        quanto quanta quanti quante quando perche come cosa dove chi quale non no io tu voi noi
        mio tuo vostro nostro potere volere dovere fare andare sapere dire
        """
    ),
    abbreviations=MappingProxyType(
        {
            "x": "per",
            "xke": "perché",
            "xk": "perché",
            "xche": "perché",
            "pke": "perché",
            "pk": "perché",
            "perke": "perché",
            "k": "che",
            "ke": "che",
            "ch": "che",
            "nn": "non",
            "cmq": "comunque",
            "cmnq": "comunque",
            "xo": "però",
            "qlc": "qualche",
            "qlcs": "qualcosa",
            "qcs": "qualcosa",
            "qualke": "qualche",
            "qnd": "quando",
            "qndo": "quando",
            "qnt": "quanto",
            "qnto": "quanto",
            "qnti": "quanti",
            "sn": "sono",
            "dv": "dove",
            "nnt": "niente",
            "mlt": "molto",
            "cm": "come",
            "grz": "grazie",
            "bn": "bene",
            "dp": "dopo",
            "ki": "chi",
            "anke": "anche",
            "msg": "messaggio",
            "c": "ci",
            "d": "di",
            "tt": "tutto",
            "tnx": "grazie",
            "qlcn": "qualcuno",
            "qlkn": "qualcuno",
            "qualkuno": "qualcuno",
            "nex": "nessuno",
            "tnt": "tanto",
            "tmp": "tempo",
            "gg": "giorni",
            "prox": "prossimo",
            "info": "informazioni",
            "tel": "telefono",
            "cell": "cellulare",
            "num": "numero",
            "foll": "follower",
            "pubb": "pubblicità",
            "sponsor": "sponsorizzare",
            "sponso": "sponsorizzare",
            "xfavore": "per favore",
            "xfav": "per favore",
            "perfavore": "per favore",
            "vabbe": "va bene",
            "risp": "rispondere",
            "cn": "con",
            "qst": "questo",
            "qll": "quello",
            "cs": "cosa",
            "mex": "messaggio",
            "raga": "ragazzi",
            # Sicilian, as some prospects write to a Sicilian agency
            "vulissi": "vorrei",
            "vogghiu": "voglio",
            "parrari": "parlare",
            "pirsuna": "persona",
            "cristianu": "persona",
            "quantu": "quanto",
            "custa": "costa",
            "comu": "come",
            "unni": "dove",
            "nenti": "niente",
            "nuddu": "nessuno",
            "sugnu": "sono",
            "semu": "siamo",
            "picciotti": "ragazzi",
            "sordi": "soldi",
            "picca": "poco",
            "assai": "molto",
            "chiossai": "più",
            "accattari": "comprare",
            "cu": "con",
            "na": "una",
            "u": "il",
        }
    ),
    number_language="it",
    count_words=MappingProxyType(
        {"paio": 2, "dozzina": 12, "decina": 10, "ventina": 20, "trentina": 30}
        | {"quarantina": 40, "cinquantina": 50, "sessantina": 60, "settantina": 70}
        | {"ottantina": 80, "novantina": 90}
    ),
    times_words=frozenset({"volta", "volte"}),
    amount_words=MappingProxyType({"centone": 100, "centoni": 100}),
    # "un migliaio di follower", "qualche migliaio", "un paio di centinaia di euro"
    scale_words=MappingProxyType(
        {"migliaio": 1e3, "migliaia": 1e3, "centinaio": 100, "centinaia": 100}
    ),
    # "qualche migliaio", "poche migliaia di euro": about 3, said back as 2 to 4
    few_words=MappingProxyType(
        {"qualche": (2, 4), "alcuni": (2, 4), "alcune": (2, 4), "pochi": (2, 4)}
        | {"poche": (2, 4), "diversi": (3, 6), "diverse": (3, 6), "svariati": (3, 6)}
        | {"svariate": (3, 6)}
    ),
    zero_words=frozenset({"zero", "niente", "nulla", "nessuno", "nada"}),
    # no money to spend, said anywhere in the answer ("nn ho budget x ora"): a budget of € 0
    zero_phrases=frozenset(
        {"non ho budget", "non ho un budget", "nessun budget", "niente budget", "zero budget"}
        | {"senza budget", "budget zero", "non abbiamo budget", "non abbiamo un budget"}
        | {"non ho soldi", "non abbiamo soldi", "niente soldi", "zero soldi", "nessun soldo"}
        | {"non ho un euro", "non ho neanche un euro", "manco un euro", "non ho un soldo"}
        | {"non ho fondi", "non ho niente da spendere", "non posso spendere niente"}
        | {"non spendo niente", "non spendo nulla", "sono al verde", "non ci sono soldi"}
        | {"senza pubblicità", "senza pubblicita", "senza sponsorizzate", "niente pubblicità"}
        | {"niente pubblicita", "niente sponsorizzate", "nessuna sponsorizzata", "zero ads"}
        | {"niente ads", "senza ads", "stop alle sponsorizzate", "togliamo le sponsorizzate"}
    ),
    factor_words=MappingProxyType(
        dict.fromkeys(("raddoppio", "raddoppiamo", "raddoppiare", "raddoppiando", "doppio"), 2.0)
        | dict.fromkeys(("raddoppiassi", "raddoppiassimo", "raddoppiasse"), 2.0)
        | dict.fromkeys(("triplico", "triplichiamo", "triplicare", "triplo"), 3.0)
        | dict.fromkeys(("dimezzo", "dimezziamo", "dimezzare", "dimezzando", "metà"), 0.5)
    ),
    amount_questions=frozenset(
        {"quanto", "quanti", "quante", "di quanto", "qual è il minimo", "qual e il minimo"}
        | {"quanto serve", "quanto devo", "quanto dovrei", "quanto ci vuole"}
    ),
    minus_words=frozenset({"meno", "negativo", "negativi"}),
    # money that goes to the agency, not into ads: "se vi pago 300 al mese", "con 500 euro a
    # voi", "il vostro compenso è 300" (mistake no. 2); the bot asks which it is
    fee_cues=frozenset(
        {"vi pag*", "ti pag*", "pagarvi", "pagandovi", "pagarti", "pagandoti", "pagare voi"}
        | {"vi do", "vi dò", "vi diamo", "vi darei", "vi daremmo", "vi darò", "vi daremo"}
        | {"vi dessi", "vi dessimo", "ti do", "ti dò", "ti darei", "ti darò", "ti dessi"}
        | {"darvi", "dandovi", "darti", "dandoti", "vi verso", "vi versiamo", "versarvi"}
        | {"vi giro", "vi giriamo", "a voi", "per voi", "all'agenzia", "alla vostra agenzia"}
        | {"compenso", "compensi", "parcella", "onorario", "tariffa", "tariffe", "canone"}
        | {"fee", "gestione", "per gestire", "per gestirci", "per gestirmi", "per seguirci"}
        | {"per seguirmi", "vostro lavoro", "vostro servizio", "vostri servizi", "costate"}
        | {"vostro prezzo", "prezzo della gestione"}
        | {"tutto compreso", "in tutto", "in totale", "complessivamente", "che mi fate"}
        | {"tra voi", "fra voi", "voi e pubblicità", "voi e pubblicita", "voi più"}
    ),
    # money for ads: "300 di sponsorizzate", "per la pubblicità" (wins right after an amount)
    ads_cues=frozenset(
        {"sponsorizzate", "sponsorizzata", "sponsorizzati", "sponsorizzato", "sponsor"}
        | {"sponsorizzazione", "sponsorizzazioni", "sponsorizzare", "sponsorizzando"}
        | {"pubblicità", "pubblicita", "pubblicitario", "pubblicitaria", "inserzioni"}
        | {"inserzione", "campagne", "campagna", "adv", "ads", "promozione", "promozioni"}
        | {"post promossi", "boost", "budget pubblicitario"}
    ),
    # a span said as a phrase, no number in it
    horizon_phrases=MappingProxyType(
        {"a quest'ora l'anno prossimo": 12, "l'anno prossimo a quest'ora": 12}
        | {"nel prossimo anno": 12, "nel corso del prossimo anno": 12}
        | {"nell'arco del prossimo anno": 12, "nel corso dell'anno prossimo": 12}
        | {"nel prossimo mese": 1}
    ),
    # dates a deadline names: "entro giugno", "per natale", "entro il 15 marzo", "entro domani"
    month_names=MappingProxyType(
        {
            "gennaio": 1,
            "febbraio": 2,
            "marzo": 3,
            "aprile": 4,
            "maggio": 5,
            "giugno": 6,
            "luglio": 7,
            "agosto": 8,
            "settembre": 9,
            "ottobre": 10,
            "novembre": 11,
            "dicembre": 12,
        }
        | {"gen": 1, "genn": 1, "febb": 2, "apr": 4, "magg": 5, "lug": 7, "ott": 10, "dic": 12}
    ),
    holidays=MappingProxyType(
        {"natale": "christmas", "pasqua": "easter", "capodanno": "new_year"}
        | {"san valentino": "valentine", "ferragosto": "ferragosto", "halloween": "halloween"}
        | {"black friday": "black_friday", "epifania": "epiphany", "befana": "epiphany"}
    ),
    season_names=MappingProxyType(
        {"primavera": "spring", "estate": "summer", "autunno": "autumn", "inverno": "winter"}
    ),
    relative_days=MappingProxyType({"oggi": 0, "domani": 1, "dopodomani": 2}),
    # times of day: "alle 2 di notte", "la sera tardi", "verso mezzogiorno", "alle 9 e mezza"
    day_parts=MappingProxyType(
        dict.fromkeys(("mattina", "mattino", "mattinata", "stamattina", "stamani"), "morning")
        | dict.fromkeys(("prima mattina", "mattina presto"), "morning")
        | dict.fromkeys(("ora di pranzo", "pausa pranzo", "a pranzo"), "midday")
        | dict.fromkeys(("pomeriggio", "primo pomeriggio", "tardo pomeriggio"), "afternoon")
        | dict.fromkeys(("sera", "serata", "stasera", "prima serata", "a cena"), "evening")
        | dict.fromkeys(("ora di cena", "dopocena", "dopo cena"), "evening")
        | dict.fromkeys(("notte", "nottata", "stanotte", "notte fonda", "sera tardi"), "night")
        | dict.fromkeys(("tarda sera", "tarda serata", "tardi la sera", "seconda serata"), "night")
    ),
    clock_words=frozenset(
        {"alle", "alle ore", "ore", "dalle", "dalle ore", "verso le", "dopo le", "prima delle"}
        | {"entro le", "per le", "tra le", "fra le", "e le", "a partire dalle", "intorno alle"}
    ),
    clock_hour_words=MappingProxyType({"sei": 6}),
    clock_names=MappingProxyType(
        {"mezzanotte": 0, "mezzogiorno": 12, "all'una": 1, "dall'una": 1, "verso l'una": 1}
        | {"dopo l'una": 1, "prima dell'una": 1}
    ),
    clock_minutes=MappingProxyType(
        {"e mezza": 30, "e mezzo": 30, "e un quarto": 15, "e tre quarti": 45}
        | {"meno un quarto": -15, "meno cinque": -5, "meno dieci": -10, "meno venti": -20}
    ),
    clock_after=frozenset({"in punto", "precise", "esatte", "spaccate"}),
    # "buona sera" is a greeting, "il Mezzogiorno" the South of Italy
    not_times=frozenset(
        {"buona sera", "buona serata", "buona notte", "buon pomeriggio", "buona mattinata"}
        | {"nel mezzogiorno", "del mezzogiorno", "il mezzogiorno", "al mezzogiorno"}
        | {"dal mezzogiorno", "sul mezzogiorno"}
    ),
    # the numbers of a growth question (``bot.growth.slot_filling``): "ho 800 follower e voglio
    # arrivare a 5000", "altri 2000", "3000 in più", "pubblichiamo 3 post a settimana"
    current_cues=frozenset(
        {"ho", "abbiamo", "siamo a", "sono a", "conto", "contiamo", "partendo da", "parto da"}
        | {"partiamo da", "attualmente", "adesso", "ora"}
    ),
    target_cues=frozenset(
        {"arrivare", "arrivo", "arriviamo", "raggiungere", "voglio", "vorrei", "vogliamo"}
        | {"obiettivo", "a quota", "fino a"}
    ),
    more_cues=frozenset({"in più", "di più", "extra"}),
    more_cues_before=frozenset({"altri", "altre"}),
    follower_words=frozenset({"follower*"}),
    thing_words=frozenset(
        {
            "camera",
            "camere",
            "stanza",
            "stanze",
            "letto",
            "letti",
            "posti letto",
            "tavolo",
            "tavoli",
            "coperto",
            "coperti",
            "dipendente",
            "dipendenti",
            "collaboratore",
            "collaboratori",
            "socio",
            "soci",
            "sede",
            "sedi",
            "negozio",
            "negozi",
            "locale",
            "locali",
            "punto vendita",
            "punti vendita",
            "figlio",
            "figli",
            "prodotto",
            "prodotti",
            "cliente",
            "clienti",
            "ombrellone",
            "ombrelloni",
            "appartamento",
            "appartamenti",
            "auto",
            "macchine",
            "metri",
            "mq",
            "chili",
            "kg",
            "gusti",
            "pizze",
            "ricette",
            "recensioni",
            "stelle",
            "sale",
            "piani",
            "ragazzi",
            "persone che lavorano",
        }
    ),
    owner_words=frozenset(
        {
            "io",
            "mi",
            "me",
            "mio",
            "mia",
            "miei",
            "mie",
            "noi",
            "ci",
            "nostro",
            "nostra",
            "nostri",
            "nostre",
            "voi",
            "vi",
            "vostro",
            "vostra",
            "vostri",
            "vostre",
            "tu",
            "ti",
            "te",
            "tuo",
            "tua",
            "vs",
            "ns",
        }
    ),
    having_words=frozenset({"ha", "hanno", "aveva", "avevano"}),
    posting_words=frozenset({"post", "reel", "video"}),
    content_words=frozenset({"contenuti", "pubblicazioni", "storie"}),
    posting_verbs=frozenset({"posto", "postiamo", "pubblico", "pubblichiamo"}),
    posting_lead_words=frozenset({"pubblicare"}),
    period_words=MappingProxyType({"settimana": "week", "giorno": "day", "mese": "month"}),
    period_links=frozenset({"a", "per", "al", "alla", "ogni", "in un", "in una"}),
    # a call asked for with its time: "possiamo sentirci giovedì pomeriggio verso le 4?"
    call_days=frozenset(
        {"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"}
        | {"lun", "mar", "mer", "gio", "ven", "sab", "dom", "oggi", "domani", "dopodomani"}
        | {"stasera", "stamattina"}
    ),
    call_day_parts=frozenset(
        {"mattina", "mattinata", "pomeriggio", "sera", "serata", "pranzo", "mezzogiorno"}
    ),
    call_clock_words=frozenset({"alle", "verso le", "dalle", "dopo le", "prima delle"}),
    # a name given in a sentence: "ciao, mi chiamo Giuseppe Russo", "Giuseppe, piacere"
    name_intros=frozenset(
        {
            "mi chiamo",
            "io mi chiamo",
            "sono",
            "io sono",
            "son",
            "il mio nome è",
            "il mio nome e'",
            "nome",
            "nome e cognome",
            "mi chiamano",
            "tutti mi chiamano",
            "chiamami",
            "chiamatemi",
            "puoi chiamarmi",
            "potete chiamarmi",
            "mi puoi chiamare",
            "piacere",
            "piacere mio",
            "molto piacere",
            "ciao",
            "salve",
            "buongiorno",
            "buonasera",
            "eccomi",
            "allora",
            "dunque",
        }
    ),
    name_outros=frozenset(
        {"piacere", "piacere mio", "molto piacere", "lieto", "lieta", "grazie", "ciao", "eccomi"}
    ),
    name_breaks=frozenset({"e", "ed", "ma", "però", "pero", "perché", "perche", "che", "ho"}),
    # a name given where nobody asked for it: "scusate, mi chiamo Rosaria La Rosa"
    name_frames=frozenset(
        {"mi chiamo", "io mi chiamo", "il mio nome è", "il mio nome e'", "nome e cognome"}
    ),
    name_frames_weak=frozenset({"sono", "io sono", "son"}),
    negations=frozenset(
        {"non", "no", "mai", "nessuno", "nessun", "niente", "senza", "nn"}
        | {"nemmeno", "neanche", "neppure", "manco", "mica"}
    ),
    back=frozenset(
        {
            "indietro",
            "torna indietro",
            "torniamo indietro",
            "tornare indietro",
            "vai indietro",
            "domanda precedente",
            "quella prima",
            "ho sbagliato",
            "ho sbagliato a scrivere",
            "correggi",
            "voglio correggere",
            "⬅",
            "⬅️",
        }
    ),
    cancel=frozenset(
        {
            "lascia perdere",
            "lascia stare",
            "lasciamo perdere",
            "lasciamo stare",
            "lascia",
            "annulla",
            "stop",
            "fermati",
            "non importa",
            "niente lascia stare",
            "no lascia perdere",
            "no lascia stare",
            "esci",
            "lascia perdi",
        }
    ),
    resume=frozenset(
        {
            "riprendi",
            "riprendiamo",
            "continua",
            "continuiamo",
            "andiamo avanti",
            "da dove eravamo",
            "dove eravamo rimasti",
            "ricominciamo da dove eravamo",
        }
    ),
    # "3, anzi 5", "no aspetta, volevo dire 5": what comes after is the answer
    corrections=frozenset(
        {"anzi", "anzi no", "no anzi", "o meglio", "cioè no", "volevo dire", "intendevo"}
        | {"scusa volevo dire", "correggo", "mi correggo", "rettifico"}
    ),
    # a message opening with one corrects the answer given just before: "anzi 300", "scusa,
    # 300", "correggi: 300" right after answering 200 (``phrasing.read_correction``)
    correction_openers=frozenset(
        {"anzi", "anzi no", "no anzi", "scusa", "scusami", "scusate", "scusi", "aspetta"}
        | {"no aspetta", "aspetta no", "no scusa", "un attimo", "correggi", "correggo"}
        | {"mi correggo", "rettifico", "volevo dire", "intendevo", "o meglio", "ops", "oops"}
        | {"ho sbagliato", "errore", "correzione", "cioè no"}
    ),
    hesitations=frozenset(
        {"no aspetta", "aspetta no", "no scusa", "no anzi"}
        | {"aspetta", "aspetti", "un attimo", "attimo", "momento", "scusa", "scusami", "scusate"}
        | {"ops", "oops", "oddio", "mannaggia", "uffa", "eh", "ah", "oh", "ehm", "per favore"}
    ),
    # leaving politely: a short goodbye, and every answer kept
    goodbyes=frozenset(
        {
            "non mi interessa",
            "non mi interessa piu",
            "non ci interessa",
            "non sono interessato",
            "non sono interessata",
            "non fa per me",
            "non mi serve",
            "non mi serve altro",
            "basta",
            "basta cosi",
            "basta grazie",
            "per ora basta",
            "è tutto",
            "tutto qui",
            "ciao ciao",
            "arrivederci",
            "a presto",
            "alla prossima",
            "ci sentiamo",
            "ci risentiamo",
            "ci penso",
            "ci penso su",
            "ci devo pensare",
            "ci pensiamo",
            "vi faccio sapere",
            "vi farò sapere",
            "buona giornata",
            "buona serata",
            "buonanotte",
            "addio",
            "👋",
        }
    ),
    weak_goodbyes=frozenset({"ciao", "salve", "saluti", "ciao a tutti"}),
    vague_amounts=frozenset(
        {
            "il più possibile",
            "più possibile",
            "quanti più possibile",
            "più che posso",
            "più che si può",
            "tanti",
            "tantissimi",
            "un sacco",
            "parecchi",
            "qualcuno",
            "pochi",
            "non ne ho idea",
            "non ne ho la più pallida idea",
            "nessuna idea",
            "non saprei dire",
            "non ricordo",
            "non lo so di preciso",
            "vedi tu",
            "decidete voi",
            "fate voi",
        }
    ),
    # a business named in a sentence: "ho una pasticceria a catania", "gestisco un b&b"
    business_frames=frozenset(
        {"ho un", "ho una", "ho un'", "ho uno", "abbiamo un", "abbiamo una", "abbiamo un'"}
        | {"abbiamo uno", "gestisco un", "gestisco una", "gestisco un'", "gestisco il"}
        | {"gestisco la", "gestisco l'", "gestiamo un", "gestiamo una", "gestiamo un'"}
        | {"gestiamo il", "gestiamo la", "possiedo un", "possiedo una", "possiedo un'"}
        | {"ho aperto un", "ho aperto una", "ho aperto un'", "abbiamo aperto un"}
        | {"abbiamo aperto una", "lavoro in", "lavoro in un", "lavoro in una", "lavoro come"}
        | {"lavoro in un'", "lavoro nel", "lavoro nella", "siamo un", "siamo una", "siamo un'"}
        | {"la mia attività è", "la mia attività è un", "la mia attività è una"}
        | {"la nostra attività è", "ho un'attività di", "abbiamo un'attività di"}
        | {"mi occupo di", "ci occupiamo di", "sono titolare di", "sono la titolare di"}
        | {"sono il titolare di", "sono titolare di un", "sono titolare di una"}
    ),
    business_not=frozenset(
        {"domanda", "domande", "dubbio", "dubbi", "problema", "problemi", "questione"}
        | {"curiosita", "richiesta", "budget", "pagina", "profilo", "account", "sito", "idea"}
        | {"minuto", "momento", "attimo", "consiglio", "follower", "post", "preventivo"}
        | {"offerta", "appuntamento", "po", "paio", "sacco", "mucchio", "milione", "bel"}
        | {"gran", "social", "instagram", "facebook", "tiktok", "linkedin", "euro", "anno"}
        | {"anni", "figlio", "figlia", "amico", "amica", "dubbio", "cliente", "clienti"}
    ),
    business_breaks=frozenset(
        {"e vorrei", "e voglio", "e vogliamo", "e cerco", "e cerchiamo", "e mi", "e ci"}
        | {"e sono", "e siamo", "e ho", "e abbiamo", "e il mio", "e la mia", "ma", "però"}
        | {"pero", "perché", "perche", "quindi", "e volevo", "e volevamo"}
    ),
    place_words=frozenset({"a", "ad", "in", "vicino a", "presso"}),
    place_not=frozenset(
        {"centro", "citta", "paese", "periferia", "zona", "provincia", "spiaggia", "campagna"}
        | {"montagna", "riva", "casa", "un", "una", "via", "piazza", "corso"}
    ),
    greetings=MappingProxyType(
        {
            "buongiorno": "morning",
            "buon giorno": "morning",
            "buondì": "morning",
            "buondi": "morning",
            "buon pomeriggio": "afternoon",
            "buonasera": "evening",
            "buona sera": "evening",
            "salve": "formal",
        }
    ),
)
