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
        upcoming="Vous consulterez ici les règlements que Constructys vous a versés.",
    ),
    MenuEntry(
        "contributions",
        "Déclarer mes contributions",
        "calculator",
        "contributions/",
        upcoming="Vous déclarerez ici vos contributions à la formation professionnelle.",
    ),
    MenuEntry(
        "contribution_return",
        "Saisie de votre bordereau de collecte",
        "clipboard",
        "bordereau/",
        upcoming="Vous saisirez ici votre bordereau de collecte.",
    ),
    MenuEntry(
        "contribution_payments",
        "Suivre mes versements",
        "receipt",
        "versements/",
        upcoming="Vous suivrez ici les versements de vos contributions à Constructys.",
    ),
    MenuEntry(
        "establishments",
        "Voir mes établissements",
        "building",
        "etablissements/",
        upcoming="Vous consulterez ici vos établissements et leurs coordonnées.",
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
