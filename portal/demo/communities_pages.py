"""Demo content of the public community pages (``load_demo``): the "Communities" index (slug ``communities``) and
one page per community, in English, and their translations into bs, sq, mk, sr-latn and tr.

Facts (programme context, sections 1.3 and 3), in our own words: DAGs advise their partner on the datasets of the
national platform; what the live platforms cover; the RCP's Skopje meeting of 27–28 February 2025 and the four
priorities of its joint statement. Page slugs are not translated (the main menu links ``/<lang>/communities/``).

``TRANSLATIONS[lang]`` maps every English text segment (as wagtail-localize splits the pages: title, intro, each
heading, each ``<p>`` and list item) to its translation; :func:`portal.demo.communities.translate_community_pages`
hands them to :func:`portal.i18n.translate_instance`. Macedonian is in Cyrillic, Serbian in Latin script.
Organisation and platform names keep the form their owners use.
"""

from .blocks import bullets, heading, paragraph
from .communities_content import PLATFORMS

LANGUAGES = ["bs", "sq", "mk", "sr-latn", "tr"]
DAG_KEYS = ["dag-ba", "dag-xk", "dag-mk", "dag-rs", "dag-tr"]

INDEX_SLUG = "communities"
INDEX_TITLE = "Communities"
INDEX_INTRO = (
    "The Regional Community of Practice and the five Domestic Advisory Groups bring together people from public "
    "authorities, civil society, the media and academia who advise the Integrity Watch platforms and learn from "
    "each other across borders."
)

# Page slugs under the index, by community key.
PAGE_SLUGS = {
    "rcp": "regional-community-of-practice",
    "dag-ba": "dag-bosnia-and-herzegovina",
    "dag-xk": "dag-kosovo",
    "dag-mk": "dag-north-macedonia",
    "dag-rs": "dag-serbia",
    "dag-tr": "dag-turkiye",
}

# --- English ------------------------------------------------------------------------------------------------------

DEMO_NOTE = "The members listed on this demo site are fictional."

RCP_TITLE = "Regional Community of Practice"
RCP_INTRO = (
    "An informal regional platform where members of the five Domestic Advisory Groups and regional experts discuss "
    "what stands in the way of political integrity in the Western Balkans and Türkiye."
)
RCP_H_WHAT = "What the community does"
RCP_P_WHAT = (
    "It meets online and in person, supports bilateral exchanges between the advisory groups and backs joint "
    "advocacy for better standards. The Kosova Democratic Institute, the programme's lead partner, hosts it."
)
RCP_H_SKOPJE = "Skopje, 27–28 February 2025"
RCP_P_SKOPJE = (
    "KDI and the Transparency International Secretariat, with the four other chapters, brought members to Skopje for "
    "a regional meeting on asset declarations, political finance data and public contracting. Its joint statement "
    "sets four priorities:"
)
RCP_PRIORITIES = [
    "Stronger legal frameworks for better data quality",
    "Better resources for oversight agencies",
    "Open data of good quality that works across datasets and borders",
    "Use of the Integrity Watch platforms",
]
RCP_TAKE_PART = [
    "Every member of a Domestic Advisory Group is also a member of the Regional Community of Practice and can open "
    "its workspace after signing in.",
    "Regional experts join by invitation from the coordinators, or by asking to join from this page.",
]

DAG_TITLE = "Domestic Advisory Group – {country}"
DAG_INTRO = (
    "The group advises {host} on which datasets {platform} publishes and how its risk indicators should be read. Its "
    "members come from public authorities, civil society, the media and academia."
)
DAG_H_WHAT = "What the group does"
DAG_P_WHAT = [
    "Every partner of the programme set up a Domestic Advisory Group and consults it when choosing the datasets of "
    "its national Integrity Watch platform.",
    "In the members-only workspace on this portal the group shares documents, discusses, votes in consultations and "
    "keeps a log of its decisions. Members of every DAG also take part in the Regional Community of Practice.",
]
DAG_H_PLATFORM = "The platform"
PLATFORM_TEXT = {
    "dag-ba": "Integrity Watch BiH links public procurement with donations to political parties and with the asset "
    "declarations officials submit to the Central Election Commission.",
    "dag-xk": "Integrity Watch Kosova went live on 8 December 2025. It brings political financing, public procurement "
    "and the asset declarations of officials together in one place.",
    "dag-mk": "integritywatch.mk covers the financing of political parties, public procurement, and concessions for "
    "mineral resources and hydropower plants.",
    "dag-rs": "Integrity Watch Serbia is part of the regional rollout; its datasets are chosen with the group.",
    "dag-tr": "Integrity Watch Türkiye is part of the regional rollout. Little political-finance data is public in "
    "Türkiye, which makes the group's choice of datasets all the more important.",
}
DAG_TAKE_PART = [
    "Members are invited by the group's coordinators. If you work with political-integrity data in a public "
    "authority, a civil-society organisation, the media or academia, sign in and ask to join: the coordinators "
    "answer by email.",
    "You decide whether your name, organisation and sector are shown on this page.",
]
COUNTRY = {"dag-ba": "Bosnia and Herzegovina", "dag-xk": "Kosovo", "dag-mk": "North Macedonia", "dag-rs": "Serbia",
           "dag-tr": "Türkiye"}  # fmt: skip


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def rcp_page() -> dict:
    """The RCP page's fields: title, intro, body (``(block_type, value)`` pairs), how_to_take_part (HTML)."""
    return {
        "title": RCP_TITLE,
        "intro": RCP_INTRO,
        "body": [
            heading(RCP_H_WHAT),
            paragraph(RCP_P_WHAT),
            heading(RCP_H_SKOPJE),
            paragraph(RCP_P_SKOPJE),
            bullets(RCP_PRIORITIES),
            paragraph(DEMO_NOTE),
        ],
        "how_to_take_part": _html(RCP_TAKE_PART),
    }


def dag_page(key: str, host: str) -> dict:
    """The fields of the page of the DAG ``key`` (e.g. ``"dag-mk"``); ``host``: the host partner's name."""
    return {
        "title": DAG_TITLE.format(country=COUNTRY[key]),
        "intro": DAG_INTRO.format(host=host, platform=PLATFORMS[key]),
        "body": [
            heading(DAG_H_WHAT),
            paragraph(*DAG_P_WHAT),
            heading(DAG_H_PLATFORM),
            paragraph(PLATFORM_TEXT[key]),
            paragraph(DEMO_NOTE),
        ],
        "how_to_take_part": _html(DAG_TAKE_PART),
    }


# --- Translations -------------------------------------------------------------------------------------------------
# Per language: the same strings in the same order as :func:`_source_rows`, with {country}/{host}/{platform} filled
# in by :func:`translations_for`.

_COUNTRIES = {
    "bs": ["Bosna i Hercegovina", "Kosovo", "Sjeverna Makedonija", "Srbija", "Turska"],
    "sq": ["Bosnja dhe Hercegovina", "Kosova", "Maqedonia e Veriut", "Serbia", "Turqia"],
    "mk": ["Босна и Херцеговина", "Косово", "Северна Македонија", "Србија", "Турција"],
    "sr-latn": ["Bosna i Hercegovina", "Kosovo", "Severna Makedonija", "Srbija", "Turska"],
    "tr": ["Bosna-Hersek", "Kosova", "Kuzey Makedonya", "Sırbistan", "Türkiye"],
}

_ROWS = {
    "bs": [
        "Zajednice",
        "Regionalna zajednica prakse i pet domaćih savjetodavnih grupa okupljaju ljude iz javnih institucija, "
        "civilnog društva, medija i akademske zajednice koji savjetuju platforme Integrity Watch i uče jedni od "
        "drugih preko granica.",
        "Članovi navedeni na ovoj demo stranici su izmišljeni.",
        "Regionalna zajednica prakse",
        "Neformalna regionalna platforma na kojoj članovi pet domaćih savjetodavnih grupa i regionalni stručnjaci "
        "raspravljaju o preprekama političkom integritetu na Zapadnom Balkanu i u Turskoj.",
        "Šta zajednica radi",
        "Sastaje se online i uživo, podržava bilateralne razmjene između savjetodavnih grupa i zajedničko "
        "zagovaranje boljih standarda. Domaćin zajednice je Kosovski demokratski institut (KDI), vodeći partner "
        "programa.",
        "Skoplje, 27–28. februar 2025.",
        "KDI i Sekretarijat Transparency Internationala, zajedno s ostala četiri ogranka, okupili su članove u "
        "Skoplju na regionalnom sastanku o imovinskim kartonima, podacima o finansiranju politike i javnim "
        "ugovorima. Zajednička izjava sa sastanka postavlja četiri prioriteta:",
        "Jači pravni okviri za bolji kvalitet podataka",
        "Bolji resursi za nadzorne institucije",
        "Kvalitetni otvoreni podaci, povezivi među skupovima podataka i preko granica",
        "Korištenje platformi Integrity Watch",
        "Svaki član domaće savjetodavne grupe ujedno je član Regionalne zajednice prakse i nakon prijave može "
        "otvoriti njen radni prostor.",
        "Regionalni stručnjaci pridružuju se na poziv koordinatora ili zahtjevom za pridruživanje s ove stranice.",
        "Domaća savjetodavna grupa – {country}",
        "Grupa savjetuje partnera {host} o tome koje skupove podataka objavljuje platforma {platform} i kako treba "
        "tumačiti njene pokazatelje rizika. Članovi dolaze iz javnih institucija, civilnog društva, medija i "
        "akademske zajednice.",
        "Šta grupa radi",
        "Svaki partner programa osnovao je domaću savjetodavnu grupu i konsultuje je pri izboru skupova podataka za "
        "svoju nacionalnu platformu Integrity Watch.",
        "U radnom prostoru ovog portala, dostupnom samo članovima, grupa dijeli dokumente, raspravlja, glasa u "
        "konsultacijama i vodi evidenciju svojih odluka. Članovi svake grupe učestvuju i u Regionalnoj zajednici "
        "prakse.",
        "Platforma",
        "Integrity Watch BiH povezuje javne nabavke s donacijama političkim strankama i s imovinskim kartonima koje "
        "zvaničnici podnose Centralnoj izbornoj komisiji.",
        "Integrity Watch Kosova pokrenut je 8. decembra 2025. Na jednom mjestu objedinjuje finansiranje politike, "
        "javne nabavke i imovinske kartone zvaničnika.",
        "integritywatch.mk obuhvata finansiranje političkih stranaka, javne nabavke i koncesije za mineralne "
        "sirovine i hidroelektrane.",
        "Integrity Watch Serbia dio je regionalnog uvođenja platformi; njeni skupovi podataka biraju se zajedno s "
        "grupom.",
        "Integrity Watch Türkiye dio je regionalnog uvođenja platformi. U Turskoj je javno malo podataka o "
        "finansiranju politike, pa je izbor skupova podataka koji grupa napravi još važniji.",
        "Članove pozivaju koordinatori grupe. Ako radite s podacima o političkom integritetu u javnoj instituciji, "
        "organizaciji civilnog društva, medijima ili akademskoj zajednici, prijavite se i zatražite članstvo: "
        "koordinatori odgovaraju e-poštom.",
        "Vi odlučujete da li će se na ovoj stranici prikazati vaše ime, organizacija i sektor.",
    ],
    "sq": [
        "Komunitetet",
        "Komuniteti Rajonal i Praktikës dhe pesë grupet këshillëdhënëse vendore bashkojnë njerëz nga institucionet "
        "publike, shoqëria civile, media dhe akademia, të cilët këshillojnë platformat Integrity Watch dhe mësojnë "
        "nga njëri-tjetri përtej kufijve.",
        "Anëtarët e listuar në këtë faqe demonstruese janë fiktivë.",
        "Komuniteti Rajonal i Praktikës",
        "Një platformë rajonale joformale ku anëtarët e pesë grupeve këshillëdhënëse vendore dhe ekspertë rajonalë "
        "diskutojnë për pengesat ndaj integritetit politik në Ballkanin Perëndimor dhe në Turqi.",
        "Çfarë bën komuniteti",
        "Mblidhet në internet dhe me prani fizike, mbështet shkëmbimet dypalëshe ndërmjet grupeve këshillëdhënëse "
        "dhe avokimin e përbashkët për standarde më të mira. Pritës i komunitetit është Instituti Demokratik i "
        "Kosovës (KDI), partneri drejtues i programit.",
        "Shkup, 27–28 shkurt 2025",
        "KDI dhe Sekretariati i Transparency International, së bashku me katër degët e tjera, i mblodhën anëtarët "
        "në Shkup për një takim rajonal mbi deklarimin e pasurisë, të dhënat për financimin politik dhe kontratat "
        "publike. Deklarata e përbashkët e takimit vendos katër përparësi:",
        "Korniza ligjore më të forta për cilësi më të mirë të të dhënave",
        "Burime më të mira për agjencitë mbikëqyrëse",
        "Të dhëna të hapura cilësore që lidhen ndërmjet bazave të të dhënave dhe përtej kufijve",
        "Përdorimi i platformave Integrity Watch",
        "Çdo anëtar i një grupi këshillëdhënës vendor është edhe anëtar i Komunitetit Rajonal të Praktikës dhe pas "
        "hyrjes mund të hapë hapësirën e tij të punës.",
        "Ekspertët rajonalë bashkohen me ftesë nga koordinatorët ose duke kërkuar anëtarësim nga kjo faqe.",
        "Grupi këshillëdhënës vendor – {country}",
        "Grupi këshillon partnerin {host} se cilat baza të dhënash publikon platforma {platform} dhe si duhen "
        "lexuar treguesit e saj të rrezikut. Anëtarët vijnë nga institucionet publike, shoqëria civile, media dhe "
        "akademia.",
        "Çfarë bën grupi",
        "Çdo partner i programit ka ngritur një grup këshillëdhënës vendor dhe e konsulton atë kur zgjedh bazat e "
        "të dhënave për platformën e vet kombëtare Integrity Watch.",
        "Në hapësirën e punës vetëm për anëtarë në këtë portal, grupi ndan dokumente, diskuton, voton në konsultime "
        "dhe mban një regjistër të vendimeve të veta. Anëtarët e çdo grupi marrin pjesë edhe në Komunitetin "
        "Rajonal të Praktikës.",
        "Platforma",
        "Integrity Watch BiH lidh prokurimin publik me donacionet për partitë politike dhe me deklaratat e pasurisë "
        "që zyrtarët ia dorëzojnë Komisionit Qendror të Zgjedhjeve.",
        "Integrity Watch Kosova u lançua më 8 dhjetor 2025. Ajo bashkon në një vend financimin politik, prokurimin "
        "publik dhe deklaratat e pasurisë së zyrtarëve.",
        "integritywatch.mk mbulon financimin e partive politike, prokurimin publik dhe koncesionet për burimet "
        "minerale dhe hidrocentralet.",
        "Integrity Watch Serbia është pjesë e shtrirjes rajonale; bazat e saj të të dhënave zgjidhen së bashku me "
        "grupin.",
        "Integrity Watch Türkiye është pjesë e shtrirjes rajonale. Në Turqi janë publike pak të dhëna për "
        "financimin politik, prandaj zgjedhja e bazave të të dhënave nga grupi është edhe më e rëndësishme.",
        "Anëtarët ftohen nga koordinatorët e grupit. Nëse punoni me të dhëna për integritetin politik në një "
        "institucion publik, në një organizatë të shoqërisë civile, në media ose në akademi, hyni dhe kërkoni të "
        "bashkoheni: koordinatorët përgjigjen me email.",
        "Ju vendosni nëse emri, organizata dhe sektori juaj shfaqen në këtë faqe.",
    ],
    "mk": [
        "Заедници",
        "Регионалната заедница на практика и петте домашни советодавни групи собираат луѓе од јавните институции, "
        "граѓанското општество, медиумите и академската заедница кои ги советуваат платформите Integrity Watch и "
        "учат едни од други преку границите.",
        "Членовите наведени на оваа демо-страница се измислени.",
        "Регионална заедница на практика",
        "Неформална регионална платформа на која членовите на петте домашни советодавни групи и регионални "
        "експерти разговараат за пречките за политичкиот интегритет на Западен Балкан и во Турција.",
        "Што прави заедницата",
        "Се состанува онлајн и во живо, поддржува билатерални размени меѓу советодавните групи и заедничко "
        "застапување за подобри стандарди. Домаќин е Косовскиот демократски институт (KDI), водечкиот партнер на "
        "програмата.",
        "Скопје, 27–28 февруари 2025",
        "KDI и Секретаријатот на Transparency International, заедно со другите четири огранци, ги собраа членовите "
        "во Скопје на регионална средба за имотните картони, податоците за финансирањето на политиката и јавните "
        "договори. Заедничката изјава од средбата поставува четири приоритети:",
        "Посилни правни рамки за подобар квалитет на податоците",
        "Подобри ресурси за надзорните институции",
        "Квалитетни отворени податоци што може да се поврзуваат меѓу базите и преку границите",
        "Користење на платформите Integrity Watch",
        "Секој член на домашна советодавна група е и член на Регионалната заедница на практика и по најавувањето "
        "може да го отвори нејзиниот работен простор.",
        "Регионалните експерти се приклучуваат на покана од координаторите или со барање за членство од оваа страница.",
        "Домашна советодавна група – {country}",
        "Групата го советува партнерот {host} кои збирки податоци ги објавува платформата {platform} и како треба "
        "да се читаат нејзините показатели за ризик. Членовите доаѓаат од јавните институции, граѓанското "
        "општество, медиумите и академската заедница.",
        "Што прави групата",
        "Секој партнер во програмата формираше домашна советодавна група и се консултира со неа при изборот на "
        "збирките податоци за својата национална платформа Integrity Watch.",
        "Во работниот простор на овој портал, достапен само за членовите, групата споделува документи, дискутира, "
        "гласа во консултации и води евиденција за своите одлуки. Членовите на секоја група учествуваат и во "
        "Регионалната заедница на практика.",
        "Платформата",
        "Integrity Watch BiH ги поврзува јавните набавки со донациите за политичките партии и со имотните картони "
        "што функционерите ги поднесуваат до Централната изборна комисија.",
        "Integrity Watch Kosova беше пуштена во употреба на 8 декември 2025. На едно место ги обединува "
        "финансирањето на политиката, јавните набавки и имотните картони на функционерите.",
        "integritywatch.mk го опфаќа финансирањето на политичките партии, јавните набавки и концесиите за "
        "минерални суровини и хидроелектрани.",
        "Integrity Watch Serbia е дел од регионалното воведување; нејзините збирки податоци се избираат заедно со "
        "групата.",
        "Integrity Watch Türkiye е дел од регионалното воведување. Во Турција малку податоци за финансирањето на "
        "политиката се јавни, па изборот на збирките податоци што ќе го направи групата е уште поважен.",
        "Членовите ги покануваат координаторите на групата. Ако работите со податоци за политички интегритет во "
        "јавна институција, граѓанска организација, медиум или академската заедница, најавете се и побарајте "
        "членство: координаторите одговараат по е-пошта.",
        "Вие одлучувате дали на оваа страница ќе се прикажат вашето име, организација и сектор.",
    ],
    "sr-latn": [
        "Zajednice",
        "Regionalna zajednica prakse i pet domaćih savetodavnih grupa okupljaju ljude iz javnih institucija, "
        "civilnog društva, medija i akademske zajednice koji savetuju platforme Integrity Watch i uče jedni od "
        "drugih preko granica.",
        "Članovi navedeni na ovoj demo stranici su izmišljeni.",
        "Regionalna zajednica prakse",
        "Neformalna regionalna platforma na kojoj članovi pet domaćih savetodavnih grupa i regionalni stručnjaci "
        "razgovaraju o preprekama političkom integritetu na Zapadnom Balkanu i u Turskoj.",
        "Šta zajednica radi",
        "Sastaje se onlajn i uživo, podržava bilateralne razmene između savetodavnih grupa i zajedničko zagovaranje "
        "boljih standarda. Domaćin zajednice je Kosovski demokratski institut (KDI), vodeći partner programa.",
        "Skoplje, 27–28. februar 2025.",
        "KDI i Sekretarijat Transparency Internationala, zajedno sa ostala četiri ogranka, okupili su članove u "
        "Skoplju na regionalnom sastanku o imovinskim karticama, podacima o finansiranju politike i javnim "
        "ugovorima. Zajednička izjava sa sastanka postavlja četiri prioriteta:",
        "Jači pravni okviri za bolji kvalitet podataka",
        "Bolji resursi za nadzorne institucije",
        "Kvalitetni otvoreni podaci, povezivi među skupovima podataka i preko granica",
        "Korišćenje platformi Integrity Watch",
        "Svaki član domaće savetodavne grupe je ujedno član Regionalne zajednice prakse i posle prijave može da "
        "otvori njen radni prostor.",
        "Regionalni stručnjaci se pridružuju na poziv koordinatora ili zahtevom za pridruživanje sa ove stranice.",
        "Domaća savetodavna grupa – {country}",
        "Grupa savetuje partnera {host} o tome koje skupove podataka objavljuje platforma {platform} i kako treba "
        "tumačiti njene pokazatelje rizika. Članovi dolaze iz javnih institucija, civilnog društva, medija i "
        "akademske zajednice.",
        "Šta grupa radi",
        "Svaki partner programa osnovao je domaću savetodavnu grupu i konsultuje je pri izboru skupova podataka za "
        "svoju nacionalnu platformu Integrity Watch.",
        "U radnom prostoru ovog portala, dostupnom samo članovima, grupa deli dokumente, raspravlja, glasa u "
        "konsultacijama i vodi evidenciju svojih odluka. Članovi svake grupe učestvuju i u Regionalnoj zajednici "
        "prakse.",
        "Platforma",
        "Integrity Watch BiH povezuje javne nabavke sa donacijama političkim strankama i sa imovinskim karticama "
        "koje funkcioneri podnose Centralnoj izbornoj komisiji.",
        "Integrity Watch Kosova pokrenut je 8. decembra 2025. Na jednom mestu objedinjuje finansiranje politike, "
        "javne nabavke i imovinske kartice funkcionera.",
        "integritywatch.mk obuhvata finansiranje političkih stranaka, javne nabavke i koncesije za mineralne "
        "sirovine i hidroelektrane.",
        "Integrity Watch Serbia je deo regionalnog uvođenja platformi; njeni skupovi podataka biraju se zajedno sa "
        "grupom.",
        "Integrity Watch Türkiye je deo regionalnog uvođenja platformi. U Turskoj je javno malo podataka o "
        "finansiranju politike, pa je izbor skupova podataka koji grupa napravi još važniji.",
        "Članove pozivaju koordinatori grupe. Ako radite sa podacima o političkom integritetu u javnoj instituciji, "
        "organizaciji civilnog društva, medijima ili akademskoj zajednici, prijavite se i zatražite članstvo: "
        "koordinatori odgovaraju imejlom.",
        "Vi odlučujete da li će se na ovoj stranici prikazati vaše ime, organizacija i sektor.",
    ],
    "tr": [
        "Topluluklar",
        "Bölgesel Uygulama Topluluğu ve beş Yerel Danışma Grubu; kamu kurumlarından, sivil toplumdan, medyadan ve "
        "akademiden gelen, Integrity Watch platformlarına danışmanlık yapan ve sınırların ötesinde birbirinden "
        "öğrenen kişileri bir araya getirir.",
        "Bu tanıtım sitesinde listelenen üyeler kurgusaldır.",
        "Bölgesel Uygulama Topluluğu",
        "Beş Yerel Danışma Grubunun üyelerinin ve bölgesel uzmanların Batı Balkanlar ve Türkiye'de siyasi "
        "dürüstlüğün önündeki engelleri tartıştığı gayriresmî bir bölgesel platform.",
        "Topluluk ne yapar",
        "Çevrim içi ve yüz yüze toplanır, danışma grupları arasındaki ikili değişimleri ve daha iyi standartlar "
        "için ortak savunuculuğu destekler. Topluluğa programın lider ortağı Kosova Demokratik Enstitüsü (KDI) ev "
        "sahipliği yapar.",
        "Üsküp, 27–28 Şubat 2025",
        "KDI ve Uluslararası Şeffaflık Sekretaryası, diğer dört şubeyle birlikte, üyeleri mal bildirimleri, siyasi "
        "finansman verileri ve kamu sözleşmeleri üzerine bir bölgesel toplantı için Üsküp'te bir araya getirdi. "
        "Toplantının ortak bildirisi dört öncelik belirler:",
        "Daha iyi veri kalitesi için daha güçlü yasal çerçeveler",
        "Denetim kurumları için daha iyi kaynaklar",
        "Veri setleri ve sınırlar arasında birlikte çalışabilen, iyi kalitede açık veri",
        "Integrity Watch platformlarının kullanımı",
        "Her Yerel Danışma Grubu üyesi aynı zamanda Bölgesel Uygulama Topluluğunun da üyesidir ve oturum açtıktan "
        "sonra topluluğun çalışma alanını açabilir.",
        "Bölgesel uzmanlar koordinatörlerin daveti üzerine ya da bu sayfadan katılma isteği göndererek katılır.",
        "Yerel Danışma Grubu – {country}",
        "Grup, {host} ortağına {platform} platformunun hangi veri setlerini yayımlayacağı ve risk göstergelerinin "
        "nasıl okunması gerektiği konusunda danışmanlık yapar. Üyeleri kamu kurumlarından, sivil toplumdan, "
        "medyadan ve akademiden gelir.",
        "Grup ne yapar",
        "Programın her ortağı bir Yerel Danışma Grubu kurmuştur ve ulusal Integrity Watch platformunun veri "
        "setlerini seçerken bu gruba danışır.",
        "Bu portaldaki yalnızca üyelere açık çalışma alanında grup belge paylaşır, tartışır, danışmalarda oy "
        "kullanır ve kararlarının kaydını tutar. Her grubun üyeleri Bölgesel Uygulama Topluluğuna da katılır.",
        "Platform",
        "Integrity Watch BiH, kamu ihalelerini siyasi partilere yapılan bağışlarla ve yetkililerin Merkez Seçim "
        "Komisyonuna sunduğu mal bildirimleriyle ilişkilendirir.",
        "Integrity Watch Kosova 8 Aralık 2025'te yayına girdi. Siyasi finansmanı, kamu ihalelerini ve yetkililerin "
        "mal bildirimlerini tek bir yerde bir araya getirir.",
        "integritywatch.mk siyasi partilerin finansmanını, kamu ihalelerini ve maden kaynakları ile hidroelektrik "
        "santralleri için verilen imtiyazları kapsar.",
        "Integrity Watch Serbia bölgesel yaygınlaştırmanın bir parçasıdır; veri setleri grupla birlikte seçilir.",
        "Integrity Watch Türkiye bölgesel yaygınlaştırmanın bir parçasıdır. Türkiye'de siyasi finansmana ilişkin "
        "kamuya açık veri azdır; bu da grubun veri seti seçimini daha da önemli kılar.",
        "Üyeler grubun koordinatörleri tarafından davet edilir. Bir kamu kurumunda, sivil toplum kuruluşunda, "
        "medyada ya da akademide siyasi dürüstlük verileriyle çalışıyorsanız oturum açın ve katılma isteği "
        "gönderin: koordinatörler e-postayla yanıt verir.",
        "Adınızın, kuruluşunuzun ve sektörünüzün bu sayfada gösterilip gösterilmeyeceğine siz karar verirsiniz.",
    ],
}


def _source_rows() -> list[str]:
    """The English strings in the order of each language's rows in ``_ROWS``."""
    return [
        INDEX_TITLE,
        INDEX_INTRO,
        DEMO_NOTE,
        RCP_TITLE,
        RCP_INTRO,
        RCP_H_WHAT,
        RCP_P_WHAT,
        RCP_H_SKOPJE,
        RCP_P_SKOPJE,
        *RCP_PRIORITIES,
        *RCP_TAKE_PART,
        DAG_TITLE,
        DAG_INTRO,
        DAG_H_WHAT,
        *DAG_P_WHAT,
        DAG_H_PLATFORM,
        *[PLATFORM_TEXT[key] for key in DAG_KEYS],
        *DAG_TAKE_PART,
    ]


def translations_for(language: str, hosts: dict[str, str]) -> dict[str, str]:
    """``{English segment: translation}`` for ``language``; ``hosts`` maps each DAG key to its host's name (as the
    English page shows it, kept in every language; "" when the DAG has none). The DAG title and intro templates are
    filled per DAG."""
    source = _source_rows()
    rows = _ROWS[language]
    if len(rows) != len(source):
        raise ValueError(f"{language}: {len(rows)} translations for {len(source)} community page strings")
    mapping = dict(zip(source, rows, strict=True))
    title, intro = mapping.pop(DAG_TITLE), mapping.pop(DAG_INTRO)
    for key, country in zip(DAG_KEYS, _COUNTRIES[language], strict=True):
        host = hosts.get(key, "")
        english = dag_page(key, host)
        mapping[english["title"]] = title.format(country=country)
        mapping[english["intro"]] = intro.format(host=host, platform=PLATFORMS[key])
    return mapping
