from common.menus import MenuEntry

MENU = [
    MenuEntry("home", "Accueil", "home", ""),
    MenuEntry(
        "users",
        "Gérer mes utilisateurs",
        "users",
        "utilisateurs/",
        admin_only=True,
    ),
    MenuEntry(
        "dossiers",
        "Suivre mes dossiers de formation",
        "folder",
        "dossiers/",
    ),
    MenuEntry(
        "payments",
        "Consulter mes règlements",
        "euro",
        "reglements/",
    ),
    MenuEntry(
        "establishments",
        "Voir mes établissements / mes avis de virement",
        "building",
        "etablissements/",
    ),
    MenuEntry("terms", "RGPD et CGU", "shield", "rgpd-cgu/"),
]
