from common.menus import MenuEntry

MENU = [
    MenuEntry("home", "Campagne et mes demandes", "home", ""),
    MenuEntry("request_new", "Nouvelle demande", "clipboard", "demandes/nouvelle/"),
    MenuEntry("terms", "CGU Digit Invest", "shield", "cgu/"),
]
