"""Translations of the home page and the main menu into the five programme languages.

``HOME[lang]`` and ``MENU[lang]`` map each English source string (the constants of :mod:`portal.demo.programme`
and :mod:`portal.demo.site`) to its translation; ``load_demo`` hands them to wagtail-localize. Macedonian is in
Cyrillic, Serbian in Latin script (locale ``sr-latn``). Numbers follow local conventions (decimal comma, dot for
thousands; the percent sign comes first in Turkish). Links in calls to action point at the same locale's pages.
Organisation names keep the form each organisation uses itself.
"""

from . import programme as p
from .site import MENU_TITLE

LANGUAGES = ["bs", "sq", "mk", "sr-latn", "tr"]


def _home(lang: str, rows: list[str]) -> dict[str, str]:
    """Zip the translated ``rows`` with the English home-page strings, in :data:`HOME_SOURCE` order."""
    if len(rows) != len(HOME_SOURCE):
        raise ValueError(f"{lang}: {len(rows)} translations for {len(HOME_SOURCE)} home-page strings")
    mapping = dict(zip(HOME_SOURCE, rows, strict=True))
    # Calls to action link to the same page in the visitor's language (URL prefix per locale).
    for _title, _text, url, _link_text in (p.CTA_PLATFORMS, p.CTA_CAMPAIGNS, p.CTA_RESOURCES):
        mapping[url] = f"/{lang}{url}"
    # The "five countries" list is rich text: each item is a segment with the country name as a link.
    start = HOME_SOURCE.index(p.COUNTRY_PARTNERS[0])
    for english, translated in zip(p.COUNTRY_PARTNERS, rows[start : start + len(p.COUNTRY_PARTNERS)], strict=True):
        mapping[p.country_item(english)] = p.country_item(translated)
    mapping[p.HOME_TITLE] = p.HOME_TITLE  # the programme's name is not translated
    # Root pages are siblings, and Wagtail wants sibling slugs unique across locales; the root slug is not in URLs.
    mapping["home"] = f"home-{lang}"
    return mapping


HOME_SOURCE = [
    p.HERO_TITLE,
    p.HERO_TEXT,
    p.H_PURPOSE,
    p.P_PURPOSE,
    p.H_DELIVERS,
    *p.DELIVERS,
    p.H_COUNTRIES,
    *p.COUNTRY_PARTNERS,
    p.H_FIGURES,
    p.P_FIGURES,
    *[value for value, _label in p.FIGURES],
    *[label for _value, label in p.FIGURES],
    *[s for cta in (p.CTA_PLATFORMS, p.CTA_CAMPAIGNS, p.CTA_RESOURCES) for s in (cta[0], cta[1], cta[3])],
]

HOME = {
    "bs": _home(
        "bs",
        [
            "Integrity Watch na Zapadnom Balkanu i u Turskoj",
            "Otvoreni podaci o finansiranju politike, javnim ugovorima i imovini zvaničnika u rukama civilnog "
            "društva, novinara i nadzornih tijela u Bosni i Hercegovini, na Kosovu, u Sjevernoj Makedoniji, Srbiji "
            "i Turskoj.",
            "Cilj programa",
            "Program pomaže građanima i civilnom društvu u pet zemalja da od nosilaca političkih funkcija traže "
            "odgovornost za to kako se finansiraju stranke, kako se donose zakoni i kako se raspoređuju javna "
            "sredstva. Jači politički integritet treba da znači više javnih odluka donesenih za opće dobro.",
            "Šta program donosi",
            "Skupovi podataka, kontrolne table i alati za označavanje rizika (crvene zastavice) o političkom "
            "integritetu u svakoj od pet zemalja",
            "Materijali za obuku, radionice i hakatoni za civilno društvo, novinare i nadzorne institucije",
            "Izvještaji o pravilima političkog integriteta, njihovoj primjeni i o tome koji su podaci javni",
            "Domaće savjetodavne grupe i Regionalna zajednica prakse za razmjenu preko granica",
            "Mali grantovi za lokalne i prekogranične inicijative civilnog društva",
            "Pet zemalja, jedan regionalni program",
            "Bosna i Hercegovina: Transparency International u Bosni i Hercegovini",
            "Kosovo: Kosovski demokratski institut (KDI), vodeći partner",
            "Sjeverna Makedonija: Transparency International – Makedonija",
            "Srbija: Transparentnost Srbija",
            "Turska: Transparency International Turska",
            "Integrity Watch BiH u brojkama (ilustracija)",
            "Podaci koje je Transparency International u Bosni i Hercegovini objavio na osnovu svoje platforme "
            "Integrity Watch. Ovdje su prikazani samo kao ilustracija onoga što povezani podaci mogu otkriti; "
            "aktuelne brojke potražite na platformi.",
            "930.000+",
            "27.000+",
            "2.450",
            "76,9%",
            "19,8%",
            "analiziranih postupaka javnih nabavki",
            "ugovora koje su od 2018. dobile firme koje su donirale političkim strankama, vrijednih više od "
            "milijardu KM",
            "ugovora koje su dobile firme u vlasništvu izabranih zvaničnika",
            "tih ugovora dodijeljeno je direktnim sporazumom",
            "izabranih zvaničnika koji su prijavili vlasništvo nad firmom imali su firmu koja posluje s državom",
            "Istražite platforme Integrity Watch",
            "Pogledajte koje skupove podataka i pokazatelje rizika pokriva platforma u svakoj zemlji.",
            "Platforme",
            "Podržite kampanju",
            "Dodajte svoje ime pozivima za otvorene podatke i jasna pravila o političkom integritetu.",
            "Kampanje",
            "Naučite koristiti podatke",
            "Vodiči korak po korak, nastavni plan obuke i priručnici za civilno društvo i novinare.",
            "Materijali za obuku",
        ],
    ),
    "sq": _home(
        "sq",
        [
            "Integrity Watch në Ballkanin Perëndimor dhe Turqi",
            "Të dhëna të hapura për financimin politik, kontratat publike dhe pasuritë e zyrtarëve, në shërbim të "
            "shoqërisë civile, gazetarëve dhe organeve mbikëqyrëse në Bosnjë e Hercegovinë, Kosovë, Maqedoni të "
            "Veriut, Serbi dhe Turqi.",
            "Qëllimi i programit",
            "Programi ndihmon qytetarët dhe shoqërinë civile në pesë vende t'u kërkojnë llogari bartësve të "
            "funksioneve politike për mënyrën si financohen partitë, si bëhen ligjet dhe si ndahen burimet publike. "
            "Integriteti politik më i fortë duhet të sjellë më shumë vendime publike për të mirën e përbashkët.",
            "Çfarë sjell programi",
            "Grupe të dhënash, panele dhe mjete për sinjalizimin e rreziqeve (flamuj të kuq) për integritetin "
            "politik në secilin nga pesë vendet",
            "Materiale trajnimi, punëtori dhe hakatone për shoqërinë civile, gazetarët dhe agjencitë mbikëqyrëse",
            "Raporte për rregullat e integritetit politik, zbatimin e tyre dhe se cilat të dhëna janë publike",
            "Grupe Këshillëdhënëse Vendore dhe një Komunitet Rajonal i Praktikës për shkëmbime përtej kufijve",
            "Grante të vogla për nisma lokale dhe ndërkufitare të shoqërisë civile",
            "Pesë vende, një program rajonal",
            "Bosnjë e Hercegovinë: Transparency International në Bosnjë e Hercegovinë",
            "Kosova: Instituti Demokratik i Kosovës (KDI), partneri udhëheqës",
            "Maqedonia e Veriut: Transparency International – Maqedoni",
            "Serbia: Transparentnost Srbija (Transparency Serbia)",
            "Turqia: Transparency International Türkiye",
            "Integrity Watch BiH në shifra (ilustrim)",
            "Shifra të publikuara nga Transparency International në Bosnjë e Hercegovinë nga platforma e saj "
            "Integrity Watch. Paraqiten këtu vetëm për të ilustruar se çfarë mund të zbulojnë të dhënat e "
            "ndërlidhura; shifrat e përditësuara gjenden në platformë.",
            "930.000+",
            "27.000+",
            "2.450",
            "76,9%",
            "19,8%",
            "procedura të prokurimit publik të analizuara",
            "kontrata të fituara që nga viti 2018 nga kompani që kishin bërë dhurime për partitë politike, me vlerë "
            "mbi 1 miliard KM",
            "kontrata të fituara nga kompani në pronësi të zyrtarëve të zgjedhur",
            "e atyre kontratave janë dhënë me marrëveshje të drejtpërdrejtë",
            "e zyrtarëve të zgjedhur që deklaruan pronësi në një kompani kishin kompani që bënte biznes me shtetin",
            "Eksploroni platformat Integrity Watch",
            "Shihni cilat grupe të dhënash dhe tregues rreziku mbulon platforma e secilit vend.",
            "Platformat",
            "Mbështetni një fushatë",
            "Shtoni emrin tuaj në thirrjet për të dhëna të hapura dhe rregulla të qarta për integritetin politik.",
            "Fushatat",
            "Mësoni të përdorni të dhënat",
            "Udhëzues hap pas hapi, një program trajnimi dhe doracakë për shoqërinë civile dhe gazetarët.",
            "Materiale trajnimi",
        ],
    ),
    "mk": _home(
        "mk",
        [
            "Integrity Watch во Западен Балкан и Турција",
            "Отворени податоци за политичкото финансирање, јавните договори и имотот на функционерите, во рацете на "
            "граѓанското општество, новинарите и надзорните тела во Босна и Херцеговина, Косово, Северна "
            "Македонија, Србија и Турција.",
            "Цел на програмата",
            "Програмата им помага на граѓаните и на граѓанското општество во пет земји да бараат отчетност од "
            "носителите на политички функции за тоа како се финансираат партиите, како се донесуваат законите и "
            "како се распределуваат јавните ресурси. Посилниот политички интегритет треба да значи повеќе јавни "
            "одлуки донесени за општото добро.",
            "Што донесува програмата",
            "Бази на податоци, контролни табли и алатки за означување ризици („црвени знамиња“) за политичкиот "
            "интегритет во секоја од петте земји",
            "Материјали за обука, работилници и хакатони за граѓанското општество, новинарите и надзорните институции",
            "Извештаи за правилата за политички интегритет, нивната примена и за тоа кои податоци се јавни",
            "Домашни советодавни групи и Регионална заедница на практики за размена преку границите",
            "Мали грантови за локални и прекугранични иницијативи на граѓанското општество",
            "Пет земји, една регионална програма",
            "Босна и Херцеговина: Транспаренси Интернешнл во Босна и Херцеговина",
            "Косово: Косовски демократски институт (КДИ), водечки партнер",
            "Северна Македонија: Транспаренси Интернешнл – Македонија",
            "Србија: Транспарентност Србија",
            "Турција: Транспаренси Интернешнл Турција",
            "Integrity Watch BiH во бројки (илустрација)",
            "Бројки што ги објави Транспаренси Интернешнл во Босна и Херцеговина од својата платформа Integrity "
            "Watch. Тука се прикажани само како илустрација на тоа што можат да откријат поврзаните податоци; "
            "актуелните бројки проверете ги на платформата.",
            "930.000+",
            "27.000+",
            "2.450",
            "76,9%",
            "19,8%",
            "анализирани постапки за јавни набавки",
            "договори што од 2018 година ги добиле фирми што донирале на политички партии, во вредност од над "
            "1 милијарда КМ",
            "договори добиени од фирми во сопственост на избрани функционери",
            "од тие договори се доделени со директна спогодба",
            "од избраните функционери што пријавиле сопственост на фирма имале фирма што работи со државата",
            "Истражете ги платформите Integrity Watch",
            "Погледнете кои бази на податоци и показатели за ризик ги опфаќа платформата во секоја земја.",
            "Платформи",
            "Поддржете кампања",
            "Додајте го своето име на повиците за отворени податоци и јасни правила за политички интегритет.",
            "Кампањи",
            "Научете да ги користите податоците",
            "Упатства чекор по чекор, наставна програма за обука и водичи за граѓанското општество и новинарите.",
            "Материјали за обука",
        ],
    ),
    "sr-latn": _home(
        "sr-latn",
        [
            "Integrity Watch na Zapadnom Balkanu i u Turskoj",
            "Otvoreni podaci o finansiranju politike, javnim ugovorima i imovini funkcionera u rukama civilnog "
            "društva, novinara i nadzornih tela u Bosni i Hercegovini, na Kosovu, u Severnoj Makedoniji, Srbiji i "
            "Turskoj.",
            "Cilj programa",
            "Program pomaže građanima i civilnom društvu u pet zemalja da od nosilaca političkih funkcija traže "
            "odgovornost za to kako se finansiraju stranke, kako se donose zakoni i kako se raspodeljuju javni "
            "resursi. Jači politički integritet treba da znači više javnih odluka donetih za opšte dobro.",
            "Šta program donosi",
            "Skupovi podataka, kontrolne table i alati za označavanje rizika (crvene zastavice) o političkom "
            "integritetu u svakoj od pet zemalja",
            "Materijali za obuku, radionice i hakatoni za civilno društvo, novinare i nadzorne institucije",
            "Izveštaji o pravilima političkog integriteta, njihovoj primeni i o tome koji su podaci javni",
            "Domaće savetodavne grupe i Regionalna zajednica prakse za razmenu preko granica",
            "Mali grantovi za lokalne i prekogranične inicijative civilnog društva",
            "Pet zemalja, jedan regionalni program",
            "Bosna i Hercegovina: Transparency International u Bosni i Hercegovini",
            "Kosovo: Kosovski demokratski institut (KDI), vodeći partner",
            "Severna Makedonija: Transparency International – Makedonija",
            "Srbija: Transparentnost Srbija",
            "Turska: Transparency International Turska",
            "Integrity Watch BiH u brojkama (ilustracija)",
            "Podaci koje je Transparency International u Bosni i Hercegovini objavio na osnovu svoje platforme "
            "Integrity Watch. Ovde su prikazani samo kao ilustracija onoga što povezani podaci mogu da otkriju; "
            "aktuelne brojke potražite na platformi.",
            "930.000+",
            "27.000+",
            "2.450",
            "76,9%",
            "19,8%",
            "analiziranih postupaka javnih nabavki",
            "ugovora koje su od 2018. dobile firme koje su donirale političkim strankama, vrednih više od milijardu KM",
            "ugovora koje su dobile firme u vlasništvu izabranih funkcionera",
            "tih ugovora dodeljeno je direktnim sporazumom",
            "izabranih funkcionera koji su prijavili vlasništvo nad firmom imali su firmu koja posluje s državom",
            "Istražite platforme Integrity Watch",
            "Pogledajte koje skupove podataka i pokazatelje rizika pokriva platforma u svakoj zemlji.",
            "Platforme",
            "Podržite kampanju",
            "Dodajte svoje ime pozivima za otvorene podatke i jasna pravila o političkom integritetu.",
            "Kampanje",
            "Naučite da koristite podatke",
            "Uputstva korak po korak, nastavni plan obuke i vodiči za civilno društvo i novinare.",
            "Materijali za obuku",
        ],
    ),
    "tr": _home(
        "tr",
        [
            "Batı Balkanlar ve Türkiye'de Integrity Watch",
            "Siyasi finansman, kamu sözleşmeleri ve kamu görevlilerinin mal varlıklarına ilişkin açık veriler; "
            "Bosna-Hersek, Kosova, Kuzey Makedonya, Sırbistan ve Türkiye'de sivil toplumun, gazetecilerin ve "
            "denetim kurumlarının hizmetinde.",
            "Programın amacı",
            "Program, beş ülkedeki yurttaşların ve sivil toplumun, partilerin nasıl finanse edildiği, yasaların "
            "nasıl yapıldığı ve kamu kaynaklarının nasıl dağıtıldığı konusunda siyasi makam sahiplerinden hesap "
            "sormasına yardımcı olur. Daha güçlü siyasi dürüstlük, ortak yarar için alınan daha fazla kamu kararı "
            "anlamına gelmelidir.",
            "Program neler sunuyor",
            "Beş ülkenin her birinde siyasi dürüstlüğe ilişkin veri setleri, panolar ve risk işaretleme (kırmızı "
            "bayrak) araçları",
            "Sivil toplum, gazeteciler ve denetim kurumları için eğitim materyalleri, atölyeler ve hackathonlar",
            "Siyasi dürüstlük kuralları, bunların nasıl uygulandığı ve hangi verilerin kamuya açık olduğu üzerine "
            "raporlar",
            "Sınır ötesi paylaşım için Ulusal Danışma Grupları ve Bölgesel Uygulama Topluluğu",
            "Yerel ve sınır ötesi sivil toplum girişimleri için küçük hibeler",
            "Beş ülke, tek bir bölgesel program",
            "Bosna-Hersek: Transparency International Bosna-Hersek",
            "Kosova: Kosova Demokratik Enstitüsü (KDI), lider ortak",
            "Kuzey Makedonya: Transparency International – Makedonya",
            "Sırbistan: Transparentnost Srbija (Transparency Serbia)",
            "Türkiye: Uluslararası Şeffaflık Derneği (Transparency International Türkiye)",
            "Rakamlarla Integrity Watch BiH (örnek amaçlı)",
            "Transparency International Bosna-Hersek'in Integrity Watch platformundan yayımladığı rakamlar. "
            "Bağlantılı verilerin neleri ortaya koyabileceğini göstermek için burada yalnızca örnek olarak "
            "verilmiştir; güncel rakamlar için platforma bakın.",
            "930.000+",
            "27.000+",
            "2.450",
            "%76,9",
            "%19,8",
            "incelenen kamu ihale süreci",
            "2018'den bu yana siyasi partilere bağış yapmış şirketlerin kazandığı, toplam değeri 1 milyar KM'yi "
            "aşan sözleşme",
            "seçilmiş yetkililere ait şirketlerin kazandığı sözleşme",
            "bu sözleşmelerin doğrudan anlaşmayla verilen oranı",
            "şirket sahipliği beyan eden seçilmiş yetkililerden, şirketi devletle iş yapanların oranı",
            "Integrity Watch platformlarını keşfedin",
            "Her ülkenin platformunun hangi veri setlerini ve risk göstergelerini kapsadığını görün.",
            "Platformlar",
            "Bir kampanyayı destekleyin",
            "Açık veri ve siyasi dürüstlüğe ilişkin net kurallar için yapılan çağrılara adınızı ekleyin.",
            "Kampanyalar",
            "Verileri kullanmayı öğrenin",
            "Sivil toplum ve gazeteciler için adım adım kılavuzlar, bir eğitim müfredatı ve rehberler.",
            "Eğitim materyalleri",
        ],
    ),
}

_MENU_ROWS = {
    # MENU_TITLE, About, Countries, Platforms, News, Campaigns, Resources, Publications, Calls for proposals,
    # Grants awarded, Communities, Events, Contact
    "bs": [
        "Glavni meni",
        "O programu",
        "Zemlje",
        "Platforme",
        "Vijesti",
        "Kampanje",
        "Materijali",
        "Publikacije",
        "Pozivi za prijedloge",
        "Dodijeljeni grantovi",
        "Zajednice",
        "Događaji",
        "Kontakt",
    ],
    "sq": [
        "Menyja kryesore",
        "Rreth programit",
        "Vendet",
        "Platformat",
        "Lajme",
        "Fushata",
        "Materiale",
        "Publikime",
        "Thirrje për propozime",
        "Grantet e dhëna",
        "Komunitetet",
        "Ngjarjet",
        "Kontakti",
    ],
    "mk": [
        "Главно мени",
        "За програмата",
        "Земји",
        "Платформи",
        "Вести",
        "Кампањи",
        "Материјали",
        "Публикации",
        "Повици за предлози",
        "Доделени грантови",
        "Заедници",
        "Настани",
        "Контакт",
    ],
    "sr-latn": [
        "Glavni meni",
        "O programu",
        "Zemlje",
        "Platforme",
        "Vesti",
        "Kampanje",
        "Materijali",
        "Publikacije",
        "Pozivi za predloge",
        "Dodeljeni grantovi",
        "Zajednice",
        "Događaji",
        "Kontakt",
    ],
    "tr": [
        "Ana menü",
        "Program hakkında",
        "Ülkeler",
        "Platformlar",
        "Haberler",
        "Kampanyalar",
        "Kaynaklar",
        "Yayınlar",
        "Teklif çağrıları",
        "Verilen hibeler",
        "Topluluklar",
        "Etkinlikler",
        "İletişim",
    ],
}


def _menu_source() -> list[str]:
    from .site import MENU_ITEMS

    return [MENU_TITLE, *[label for label, _slug in MENU_ITEMS]]


MENU = {lang: dict(zip(_menu_source(), rows, strict=True)) for lang, rows in _MENU_ROWS.items()}
