from common.menus import MenuEntry

MENU = [
    MenuEntry("home", "Accueil", "home", ""),
    MenuEntry(
        "messages",
        "Messagerie",
        "mail",
        "messagerie/",
    ),
    MenuEntry(
        "requests",
        "Faire une demande de prise en charge",
        "send",
        "demandes/",
    ),
    MenuEntry(
        "dossiers",
        "Suivre les dossiers de formation",
        "folder",
        "dossiers/",
    ),
    MenuEntry(
        "payments",
        "Consulter les règlements",
        "euro",
        "reglements/",
    ),
    MenuEntry(
        "contributions",
        "Déclarer mes contributions",
        "calculator",
        "contributions/",
    ),
    MenuEntry(
        "contribution_return",
        "Saisie de votre bordereau de collecte",
        "clipboard",
        "bordereau/",
    ),
    MenuEntry(
        "contribution_payments",
        "Suivre mes versements",
        "receipt",
        "versements/",
    ),
    MenuEntry(
        "establishments",
        "Voir mes établissements",
        "building",
        "etablissements/",
    ),
    MenuEntry(
        "users",
        "Gérer les utilisateurs",
        "users",
        "utilisateurs/",
        admin_only=True,
    ),
    MenuEntry("terms", "RGPD et CGU", "shield", "rgpd-cgu/"),
]
