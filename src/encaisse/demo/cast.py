"""The people and places of the demo company, Transports Rhône-Loire: fixed, so that a
newcomer, a screenshot and a test all meet the same Fanny, Rémi and Maud."""

from __future__ import annotations

from dataclasses import dataclass

from encaisse.accounts.models import Role

DEMO_PASSWORD = "encaisse"  # noqa: S105  (the published password of the demo logins)
EMAIL_DOMAIN = "transports-rhone-loire.fr"


@dataclass(frozen=True)
class Company:
    code: str
    name: str
    siren_base: str  # the SIREN without its check digit (computed, Luhn)
    address: str
    bank_account: tuple[str, str, str]  # bank, branch and account of the French RIB
    bic: str
    email: str


ENTITY = Company(
    code="TRL",
    name="Transports Rhône-Loire SAS",
    siren_base="51237846",
    address="24 rue de Gerland\n69007 Lyon\nFrance",
    bank_account=("30004", "00819", "00010234567"),
    bic="BNPAFRPPXXX",
    email=f"comptabilite.clients@{EMAIL_DOMAIN}",
)


@dataclass(frozen=True)
class AgencySite:
    code: str
    name: str
    city: str
    region: str
    phone_prefix: str  # the two digits French landlines of the area start with
    weight: int  # share of the customers
    towns: tuple[tuple[str, str], ...]  # (postal code, town) of its customers


ARA = "Auvergne-Rhône-Alpes"
BFC = "Bourgogne-Franche-Comté"
PACA = "Provence-Alpes-Côte d'Azur"
OCC = "Occitanie"

AGENCIES: tuple[AgencySite, ...] = (
    AgencySite("LYN", "Agence Lyon Nord", "Lyon", ARA, "04", 8, (
        ("69009", "Lyon"), ("69100", "Villeurbanne"), ("69140", "Rillieux-la-Pape"),
        ("01700", "Miribel"), ("69300", "Caluire-et-Cuire"),
    )),
    AgencySite("LYS", "Agence Lyon Sud", "Lyon", ARA, "04", 9, (
        ("69007", "Lyon"), ("69200", "Vénissieux"), ("69310", "Pierre-Bénite"),
        ("69800", "Saint-Priest"), ("69780", "Mions"), ("69960", "Corbas"),
    )),
    AgencySite("VSS", "Agence Villefranche-sur-Saône", "Villefranche-sur-Saône", ARA, "04", 3, (
        ("69400", "Villefranche-sur-Saône"), ("69480", "Anse"), ("01600", "Trévoux"),
        ("69220", "Belleville-en-Beaujolais"),
    )),
    AgencySite("SET", "Agence Saint-Étienne", "Saint-Étienne", ARA, "04", 6, (
        ("42000", "Saint-Étienne"), ("42160", "Andrézieux-Bouthéon"), ("42400", "Saint-Chamond"),
        ("42500", "Le Chambon-Feugerolles"), ("42700", "Firminy"),
    )),
    AgencySite("ROA", "Agence Roanne", "Roanne", ARA, "04", 3, (
        ("42300", "Roanne"), ("42120", "Le Coteau"), ("42153", "Riorges"), ("42190", "Charlieu"),
    )),
    AgencySite("BEB", "Agence Bourg-en-Bresse", "Bourg-en-Bresse", ARA, "04", 3, (
        ("01000", "Bourg-en-Bresse"), ("01100", "Oyonnax"), ("01500", "Ambérieu-en-Bugey"),
        ("01400", "Châtillon-sur-Chalaronne"),
    )),
    AgencySite("GRE", "Agence Grenoble", "Grenoble", ARA, "04", 5, (
        ("38000", "Grenoble"), ("38400", "Saint-Martin-d'Hères"), ("38130", "Échirolles"),
        ("38500", "Voiron"), ("38170", "Seyssinet-Pariset"),
    )),
    AgencySite("VAL", "Agence Valence", "Valence", ARA, "04", 4, (
        ("26000", "Valence"), ("26500", "Bourg-lès-Valence"), ("07500", "Guilherand-Granges"),
        ("26100", "Romans-sur-Isère"), ("26200", "Montélimar"),
    )),
    AgencySite("CLF", "Agence Clermont-Ferrand", "Clermont-Ferrand", ARA, "04", 4, (
        ("63000", "Clermont-Ferrand"), ("63170", "Aubière"), ("63200", "Riom"),
        ("63800", "Cournon-d'Auvergne"),
    )),
    AgencySite("ANN", "Agence Annecy", "Annecy", ARA, "04", 3, (
        ("74000", "Annecy"), ("74100", "Annemasse"), ("74300", "Cluses"), ("74600", "Seynod"),
    )),
    AgencySite("CHB", "Agence Chambéry", "Chambéry", ARA, "04", 3, (
        ("73000", "Chambéry"), ("73100", "Aix-les-Bains"), ("73200", "Albertville"),
        ("73420", "Voglans"),
    )),
    AgencySite("MAC", "Agence Mâcon", "Mâcon", BFC, "03", 3, (
        ("71000", "Mâcon"), ("71100", "Chalon-sur-Saône"), ("71700", "Tournus"),
        ("71250", "Cluny"),
    )),
    AgencySite("DIJ", "Agence Dijon", "Dijon", BFC, "03", 4, (
        ("21000", "Dijon"), ("21300", "Chenôve"), ("21600", "Longvic"), ("21200", "Beaune"),
        ("21800", "Quetigny"),
    )),
    AgencySite("BES", "Agence Besançon", "Besançon", BFC, "03", 3, (
        ("25000", "Besançon"), ("25200", "Montbéliard"), ("25300", "Pontarlier"),
        ("39100", "Dole"),
    )),
    AgencySite("MRS", "Agence Marseille", "Marseille", PACA, "04", 6, (
        ("13002", "Marseille"), ("13015", "Marseille"), ("13127", "Vitrolles"),
        ("13400", "Aubagne"), ("13700", "Marignane"),
    )),
    AgencySite("FOS", "Agence Fos-sur-Mer", "Fos-sur-Mer", PACA, "04", 3, (
        ("13270", "Fos-sur-Mer"), ("13500", "Martigues"), ("13800", "Istres"),
        ("13110", "Port-de-Bouc"),
    )),
    AgencySite("AVI", "Agence Avignon", "Avignon", PACA, "04", 3, (
        ("84000", "Avignon"), ("84130", "Le Pontet"), ("84300", "Cavaillon"),
        ("84200", "Carpentras"), ("84100", "Orange"),
    )),
    AgencySite("NCE", "Agence Nice", "Nice", PACA, "04", 2, (
        ("06200", "Nice"), ("06700", "Saint-Laurent-du-Var"), ("06600", "Antibes"),
        ("06400", "Cannes"),
    )),
    AgencySite("NIM", "Agence Nîmes", "Nîmes", OCC, "04", 2, (
        ("30000", "Nîmes"), ("30100", "Alès"), ("30300", "Beaucaire"),
    )),
    AgencySite("MPL", "Agence Montpellier", "Montpellier", OCC, "04", 3, (
        ("34000", "Montpellier"), ("34970", "Lattes"), ("34500", "Béziers"), ("34200", "Sète"),
        ("34130", "Mauguio"),
    )),
    AgencySite("TLS", "Agence Toulouse", "Toulouse", OCC, "05", 3, (
        ("31100", "Toulouse"), ("31700", "Blagnac"), ("31120", "Portet-sur-Garonne"),
        ("31140", "Launaguet"),
    )),
    AgencySite("BDX", "Agence Bordeaux", "Bordeaux", "Nouvelle-Aquitaine", "05", 3, (
        ("33000", "Bordeaux"), ("33700", "Mérignac"), ("33130", "Bègles"), ("33600", "Pessac"),
        ("33520", "Bruges"),
    )),
    AgencySite("NTE", "Agence Nantes", "Nantes", "Pays de la Loire", "02", 3, (
        ("44000", "Nantes"), ("44800", "Saint-Herblain"), ("44400", "Rezé"),
        ("44600", "Saint-Nazaire"), ("44470", "Carquefou"),
    )),
    AgencySite("ORL", "Agence Orléans", "Orléans", "Centre-Val de Loire", "02", 2, (
        ("45000", "Orléans"), ("45400", "Fleury-les-Aubrais"), ("45770", "Saran"),
    )),
    AgencySite("PAN", "Agence Paris Nord", "Gennevilliers", "Île-de-France", "01", 5, (
        ("92230", "Gennevilliers"), ("93200", "Saint-Denis"), ("95100", "Argenteuil"),
        ("93300", "Aubervilliers"), ("95500", "Gonesse"),
    )),
    AgencySite("PAS", "Agence Paris Sud", "Rungis", "Île-de-France", "01", 5, (
        ("94150", "Rungis"), ("94310", "Orly"), ("91200", "Athis-Mons"),
        ("94400", "Vitry-sur-Seine"), ("91300", "Massy"),
    )),
    AgencySite("LIL", "Agence Lille", "Lille", "Hauts-de-France", "03", 3, (
        ("59000", "Lille"), ("59100", "Roubaix"), ("59200", "Tourcoing"),
        ("59650", "Villeneuve-d'Ascq"), ("59160", "Lomme"),
    )),
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: Role
    title: str  # what they do, in the company's words
    agency: str = ""  # code of the agency they work in
    manager: str = ""  # a rep's sales manager (username)
    covers: tuple[str, ...] = ()  # a rep's territory, or the agencies an agency manager runs
    key_accounts: bool = False  # a key account manager carries the big customers of an area


PEOPLE: tuple[Person, ...] = (
    Person("admin", "Alexandre", "Roche", Role.ADMIN, "IT administrator"),
    Person("fanny", "Fanny", "Martin", Role.FINANCE, "Credit manager"),
    Person("gaelle", "Gaëlle", "Fontaine", Role.FINANCE, "Accounts receivable accountant"),
    Person("xavier", "Xavier", "Brun", Role.FINANCE, "Collection officer"),
    Person("daf", "Claire", "Dubreuil", Role.VIEWER, "Chief financial officer (DAF)"),
    Person(
        "maud", "Maud", "Lambert", Role.SALES_MANAGER, "Sales director Rhône-Loire", agency="LYS"
    ),
    Person("bruno", "Bruno", "Chevalier", Role.SALES_MANAGER, "Sales director South", agency="MRS"),
    Person(
        "nadia",
        "Nadia",
        "Benali",
        Role.SALES_MANAGER,
        "Sales director North and West",
        agency="PAN",
    ),
    Person(
        "anna",
        "Anna",
        "Perrin",
        Role.AGENCY_MANAGER,
        "Head of the Lyon agencies",
        agency="LYS",
        covers=("LYN", "LYS", "VSS", "BEB"),
    ),
    Person(
        "karim",
        "Karim",
        "Haddad",
        Role.AGENCY_MANAGER,
        "Head of the Loire agencies",
        agency="SET",
        covers=("SET", "ROA", "CLF"),
    ),
    Person(
        "sophie",
        "Sophie",
        "Roussel",
        Role.AGENCY_MANAGER,
        "Head of the Provence agencies",
        agency="MRS",
        covers=("MRS", "FOS", "AVI", "NIM"),
    ),
    Person(
        "olivier",
        "Olivier",
        "Marchand",
        Role.AGENCY_MANAGER,
        "Head of the Paris agencies",
        agency="PAN",
        covers=("PAN", "PAS", "ORL"),
    ),
    # Maud's team: Lyon, the Loire, Burgundy, and the two key account managers.
    Person("remi", "Rémi", "Garnier", Role.SALES_REP, "Sales rep", "LYS", "maud", ("LYS",)),
    Person("sarah", "Sarah", "Morel", Role.SALES_REP, "Sales rep", "LYN", "maud", ("LYN",)),
    Person("paul", "Paul", "Girard", Role.SALES_REP, "Sales rep", "VSS", "maud", ("VSS", "BEB")),
    Person("julie", "Julie", "Faure", Role.SALES_REP, "Sales rep", "SET", "maud", ("SET", "ROA")),
    Person("thomas", "Thomas", "Mercier", Role.SALES_REP, "Sales rep", "MAC", "maud", ("MAC",)),
    Person(
        "camille",
        "Camille",
        "Roux",
        Role.SALES_REP,
        "Key account manager South",
        "LYN",
        "maud",
        key_accounts=True,
    ),
    Person(
        "nicolas",
        "Nicolas",
        "Fabre",
        Role.SALES_REP,
        "Key account manager North",
        "PAN",
        "maud",
        key_accounts=True,
    ),
    # Bruno's team: the Alps, Provence, Occitanie and Bordeaux.
    Person("emma", "Emma", "Blanc", Role.SALES_REP, "Sales rep", "GRE", "bruno", ("GRE",)),
    Person("lucas", "Lucas", "Guerin", Role.SALES_REP, "Sales rep", "VAL", "bruno", ("VAL",)),
    Person("manon", "Manon", "Bonnet", Role.SALES_REP, "Sales rep", "ANN", "bruno", ("ANN", "CHB")),
    Person(
        "antoine",
        "Antoine",
        "Rousseau",
        Role.SALES_REP,
        "Sales rep",
        "MRS",
        "bruno",
        ("MRS", "NCE"),
    ),
    Person(
        "chloe", "Chloé", "Vincent", Role.SALES_REP, "Sales rep", "FOS", "bruno", ("FOS", "AVI")
    ),
    Person("mehdi", "Mehdi", "Amrani", Role.SALES_REP, "Sales rep", "MPL", "bruno", ("NIM", "MPL")),
    Person("lea", "Léa", "Gauthier", Role.SALES_REP, "Sales rep", "TLS", "bruno", ("TLS", "BDX")),
    # Nadia's team: Paris, the North, the West, Burgundy-Franche-Comté and Auvergne.
    Person("julien", "Julien", "Lefebvre", Role.SALES_REP, "Sales rep", "PAN", "nadia", ("PAN",)),
    Person(
        "pauline", "Pauline", "Dumas", Role.SALES_REP, "Sales rep", "PAS", "nadia", ("PAS", "ORL")
    ),
    Person("yanis", "Yanis", "Lemoine", Role.SALES_REP, "Sales rep", "LIL", "nadia", ("LIL",)),
    Person("marine", "Marine", "Leroy", Role.SALES_REP, "Sales rep", "NTE", "nadia", ("NTE",)),
    Person("kevin", "Kévin", "Muller", Role.SALES_REP, "Sales rep", "DIJ", "nadia", ("DIJ", "BES")),
    Person("elodie", "Élodie", "Chauvin", Role.SALES_REP, "Sales rep", "CLF", "nadia", ("CLF",)),
)

# The key account managers: one for the agencies of the north, one for the others.
KEY_ACCOUNT_MANAGER_NORTH = "nicolas"
KEY_ACCOUNT_MANAGER_SOUTH = "camille"
NORTH_REGIONS = frozenset(
    {"Île-de-France", "Hauts-de-France", "Pays de la Loire", "Centre-Val de Loire", BFC}
)

# Word lists for customer names (a transport company's customers are shippers).
KEY_ACCOUNT_PATTERNS = (
    "Groupe {name}",
    "{name} Distribution",
    "{name} Industries",
    "{name} Agroalimentaire",
    "Laboratoires {name}",
    "{name} Matériaux",
    "{name} Logistique",
    "{name} Équipements",
)
KEY_ACCOUNT_FORMS = ("SA", "SAS", "SAS")
SME_TRADES = (
    "Menuiserie",
    "Métallerie",
    "Plasturgie",
    "Imprimerie",
    "Fromagerie",
    "Salaisons",
    "Brasserie",
    "Vins",
    "Matériaux",
    "Emballages",
    "Textiles",
    "Négoce",
    "Meubles",
    "Chaudronnerie",
    "Décolletage",
    "Cartonnages",
    "Jardinerie",
    "Électricité",
    "Carrosserie",
    "Transformation",
    "Quincaillerie",
    "Fonderie",
    "Mécanique",
    "Peintures",
)
SME_FORMS = ("SAS", "SARL", "SA", "SAS", "SARL")
SMALL_TRADES = (
    "Boulangerie",
    "Garage",
    "Pharmacie",
    "Fleurs",
    "Cave",
    "Épicerie fine",
    "Pressing",
    "Atelier",
    "Ferronnerie",
    "Plomberie",
    "Pâtisserie",
    "Librairie",
    "Boucherie",
    "Droguerie",
    "Cycles",
    "Traiteur",
)
SMALL_FORMS = ("SARL", "EURL", "SAS", "")
# (name, e-mail domain, the first two digits of the SIREN of that kind of public body)
PUBLIC_BODIES = (
    ("Mairie de {town}", "mairie-{slug}.fr", "21"),
    ("Centre hospitalier de {town}", "ch-{slug}.fr", "26"),
    ("Communauté d'agglomération de {town}", "agglo-{slug}.fr", "20"),
    ("Lycée professionnel de {town}", "lycee-{slug}.fr", "19"),
    ("Syndicat des eaux de {town}", "eaux-{slug}.fr", "25"),
)

# Job titles of the contacts by segment, the first one the collection contact; (his, hers).
CONTACT_ROLES = {
    "key_account": (
        ("Responsable comptabilité fournisseurs", "Responsable comptabilité fournisseurs"),
        ("Acheteur transport", "Acheteuse transport"),
        ("Directeur financier", "Directrice financière"),
    ),
    "sme": (
        ("Comptable", "Comptable"),
        ("Responsable logistique", "Responsable logistique"),
        ("Gérant", "Gérante"),
    ),
    "small": (("Gérant", "Gérante"), ("Comptable", "Comptable"), ("Assistant", "Assistante")),
    "public": (
        ("Service financier", "Service financier"),
        ("Responsable des marchés", "Responsable des marchés"),
        ("Régisseur", "Régisseuse"),
    ),
}

# Names for the people of the customers (contacts) and for the companies named after them.
LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
    "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal",
    "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
    "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland",
    "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger",
    "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur",
    "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier",
    "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard",
    "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet", "Léger",
    "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain",
    "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier",
    "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob",
    "Monnier", "Michaud", "Rodriguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain",
    "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître",
    "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
    "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier",
    "Laporte",
)  # fmt: skip
# Women's first names, then men's.
FIRST_NAMES_WOMEN = (
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Sandrine", "Valérie",
    "Céline", "Stéphanie", "Aurélie", "Émilie", "Julie", "Sophie", "Caroline", "Laure", "Hélène",
    "Virginie", "Audrey", "Mélanie", "Camille", "Élise", "Lucie", "Claire", "Agnès", "Delphine",
)  # fmt: skip
FIRST_NAMES_MEN = (
    "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre",
    "Laurent", "Frédéric", "Sébastien", "Stéphane", "David", "Olivier", "Éric", "Julien",
    "Thierry", "Vincent", "Jérôme", "François", "Guillaume", "Mathieu", "Benoît", "Romain",
    "Fabrice", "Cédric", "Arnaud", "Franck", "Karim", "Samir", "Yannick", "Grégory",
)  # fmt: skip
STREET_NAMES = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "rue Pasteur",
    "boulevard Gambetta", "rue Émile Zola", "rue de la Gare", "avenue de l'Europe",
    "rue de l'Industrie", "rue du Commerce", "chemin des Acacias", "route Nationale",
    "rue des Frênes", "allée des Artisans", "rue du Moulin", "avenue du Général de Gaulle",
    "rue Ampère", "rue Denis Papin", "rue des Entrepreneurs", "rue de la Forge",
    "impasse des Lilas", "rue Antoine Lumière", "rue du Stade", "avenue de la Libération",
    "rue des Artisans", "avenue des Champs Pierreux", "rue Marcel Dassault", "rue Gustave Eiffel",
)  # fmt: skip
