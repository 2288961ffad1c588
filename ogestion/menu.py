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
        upcoming="Vous consulterez ici vos règlements et vos avis de virement, par établissement.",
    ),
    MenuEntry(
        "establishments",
        "Voir mes établissements / mes avis de virement",
        "building",
        "etablissements/",
        upcoming="Vous consulterez ici vos établissements, leurs coordonnées bancaires et leurs avis de virement.",
    ),
    MenuEntry("terms", "RGPD et CGU", "shield", "rgpd-cgu/"),
]
