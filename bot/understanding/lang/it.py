"""The Italian language pack (see ``bot.understanding.lang``)."""

from __future__ import annotations

from types import MappingProxyType

from bot.understanding.lang.pack import LanguagePack, wordset

PACK = LanguagePack(
    code="it",
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
            "va bene",
            "d'accordo",
            "daccordo",
            "volentieri",
            "acconsento",
            "accetto",
            "👍",
        }
    ),
    no=frozenset(
        {
            "no",
            "n",
            "non",
            "no grazie",
            "non voglio",
            "preferisco di no",
            "mai",
            "👎",
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
            "qlc": "qualcosa",
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
)
