"""The help resources of the user guides (eGestion, oGestion), written for this portal: a fresh database shows them
on the home pages; staff edit them in the admin afterwards (a later run of this migration never happens)."""

from django.db import migrations

EGESTION_GUIDE = """## Pourquoi utiliser eGestion
- Vous saisissez vos demandes de prise en charge quand vous le souhaitez, sans papier ni envoi postal.
- Vous suivez chaque dossier en autonomie : transmission, accord, règlements, documents.
- Vous échangez directement avec le gestionnaire de chaque dossier, et tous les échanges sont conservés.
- Vos dossiers en cours et ceux clôturés depuis moins de 6 ans restent consultables et exportables.
- Un seul identifiant peut donner accès à plusieurs établissements de votre entreprise.

## Accéder à eGestion
1. Connectez-vous avec votre adresse e-mail et votre mot de passe depuis la page de connexion eGestion.
2. Pas encore de compte ? Créez-le avec « Créer mon compte » : il vous faut le SIRET de l'établissement et le numéro d'adhérent de l'entreprise.
3. Mot de passe oublié ? « J'ai oublié mon mot de passe » vous envoie un lien pour en choisir un nouveau.

## La page d'accueil
La page d'accueil indique le nombre de messages non lus, les informations publiées par Constructys, vos conseillers (« Mes Contacts ») et les ressources d'aide : ce guide, les modes opératoires et les informations réglementaires.

## Faire une demande de prise en charge
- Contrat d'apprentissage : le CERFA se remplit étape par étape (employeur, apprenti(e), maîtres d'apprentissage, contrat, formation), puis vous chargez le CERFA signé et la convention de formation et vous transmettez.
- Plan de développement des compétences : la formation, les stagiaires, les modules, le devis et le programme.
- « SAUVEGARDER » garde un brouillon dans l'onglet BROUILLONS, à reprendre plus tard.

## Suivre les dossiers de formation
La liste présente vos dossiers EN COURS et l'HISTORIQUE, avec filtres, tri et export. Un clic sur un numéro de dossier ouvre ses onglets : inscriptions, règlements, documents émis par Constructys, documents reçus et messages.

## Messagerie et notifications
Chaque dossier a sa messagerie avec son gestionnaire. Deux fois par semaine, un e-mail récapitule les nouveaux messages et les nouveaux documents de vos dossiers ; « Mon compte » permet de le régler.

## Besoin d'aide ?
Appelez le 0 800 940 999 (numéro vert gratuit) ou votre Constructys régional."""

CERFA = """Ce mode opératoire accompagne la saisie d'un contrat d'apprentissage (CERFA FA13) jusqu'à sa transmission à Constructys. À chaque étape, le lien « La notice du CERFA est disponible pour aider à la saisie » ouvre la partie de la notice qui la concerne.

## 1. Sélectionner votre entreprise
1. Dans le menu, cliquez sur « Faire une demande de prise en charge ».
2. Cliquez sur « + » puis sur « Contrat d'apprentissage ».
3. Choisissez l'établissement où s'exécute le contrat, puis « Suivant ».

## 2. Renseigner le CERFA
- Employeur : indiquez le mode contractuel (CDI ou CDD). L'identité de l'établissement vient de nos fichiers et n'est pas modifiable ; vérifiez la personne à contacter, le code NAF, l'effectif et la convention collective.
- Apprenti(e) : recherchez la personne avec la loupe ou créez sa fiche ; le représentant légal est demandé pour un(e) mineur(e) non émancipé(e).
- Maître(s) d'apprentissage : un premier maître est obligatoire, un second est possible ; cochez l'attestation de l'employeur.
- Contrat : type de contrat, dates (la date de conclusion ne peut pas être postérieure au début d'exécution), temps de travail et rémunération ; les lignes sont proposées au minimum légal.
- Formation : recherchez le CFA par son UAI (sans UAI, le dossier ne peut pas être transmis : contactez votre Constructys régional), puis le diplôme (« 99 – Certification non trouvée » s'il est absent) et le code RNCP.

Les champs marqués d'un astérisque sont obligatoires pour transmettre. Un message d'erreur indique ce qui reste à corriger ; « SAUVEGARDER » garde le brouillon.

## 3. Valider votre demande
Indiquez le lieu de signature. La date « Fait le » est la date de conclusion du contrat : elle n'est pas modifiable.

## 4. Signer le CERFA et déposer les documents
1. Téléchargez le CERFA rempli et faites-le signer.
2. Chargez au minimum le CERFA signé et la convention de formation signée (PDF, JPEG ou PNG, 10 Mo au plus).
3. Cliquez sur « Transmettre » : le dossier apparaît dans « Suivre les dossiers de formation » et un e-mail confirme l'envoi."""

PLAN = """La demande de prise en charge au titre du Plan de développement des compétences se saisit depuis « Faire une demande de prise en charge ».

1. Cliquez sur « + » puis sur « Plan de développement des compétences » et choisissez l'établissement.
2. Formation : intitulé, objectif, type d'action, modalité, dates, durée et lieu de la formation.
3. Stagiaires : choisissez les salariés parmi les personnes de votre entreprise ou créez-les. Le NIR, la date de naissance et l'adresse complète sont obligatoires.
4. Modules : pour chaque module, l'organisme de formation (recherche par SIRET, NDA ou nom), les dates, les heures, les coûts et les stagiaires ; l'estimation de la prise en charge se met à jour.
5. Documents : chargez le devis et le programme de la formation.
6. Transmettre : la demande devient un dossier PLAN, visible dans « Suivre les dossiers de formation ».

Un brouillon se reprend à tout moment depuis l'onglet BROUILLONS."""

MESSAGES = """Chaque dossier de formation a sa messagerie avec le gestionnaire Constructys qui le suit.

## Lire un message
1. Sur la page d'accueil, « Voir le(s) message(s) » ouvre vos messages non lus ; vous les retrouvez aussi dans « Messagerie » ou dans « Suivre les dossiers de formation ».
2. Cliquez sur un numéro de dossier, puis sur l'onglet MESSAGE(S) : une pastille signale les messages non lus.
3. Cliquez sur un message pour l'afficher en entier : il passe alors au statut « lu ».

## Envoyer un message
1. Dans l'onglet MESSAGE(S) du dossier, cliquez sur « + » (ou sur « Répondre » depuis un message).
2. Renseignez le titre et le contenu, joignez un fichier si besoin, puis validez.
3. Votre message se range dans l'historique du dossier."""

USERS_EGESTION = """Le gestionnaire du compte de votre entreprise ouvre un accès eGestion à ses collègues.

1. Dans le menu, cliquez sur « Gérer les utilisateurs ».
2. Cliquez sur « Inviter un collègue » et indiquez son adresse e-mail.
3. Cochez les établissements auxquels il aura accès.
4. Votre collègue reçoit une invitation par e-mail : il l'accepte et crée son mot de passe (12 à 50 caractères, avec une minuscule, une majuscule, un chiffre et un caractère spécial).

Depuis la même page, vous modifiez ses établissements, désactivez un compte ou transmettez le rôle de gestionnaire du compte."""

UNREAD = """Vous avez reçu une notification d'eGestion annonçant un message, mais vous ne le retrouvez pas en page d'accueil ? Vous avez lu un message et il a disparu ?

Un message ouvert passe au statut « lu » et ne compte plus parmi les nouveaux messages de la page d'accueil. Il n'est pas perdu.

## Retrouver un message
1. Ouvrez « Messagerie » et choisissez l'onglet TOUS plutôt que NON LUS.
2. Ou ouvrez le dossier concerné dans « Suivre les dossiers de formation », onglet MESSAGE(S).

## Garder un message au statut non lu
1. Ouvrez le message.
2. Cliquez sur « Marquer comme non lu » : il compte de nouveau parmi les messages de la page d'accueil."""

REGULATORY = """La réglementation de la formation professionnelle évolue souvent et modifie les modalités de financement ainsi que les droits et obligations des entreprises. Voici l'essentiel pour constituer vos dossiers.

## Informations obligatoires pour chaque stagiaire
Depuis le 10 mai 2021, chaque demande de prise en charge et chaque contrat doivent indiquer, pour chaque stagiaire :
- son NIR (les 13 premiers caractères du numéro de sécurité sociale) ;
- sa date de naissance ;
- son adresse complète.

## Contrat d'apprentissage
- Le contrat est transmis à Constructys au plus tard dans les 5 jours ouvrables qui suivent le début de son exécution (article L. 6224-1 du Code du travail).
- Constructys statue sur la prise en charge dans un délai de 20 jours à compter de la réception du dossier complet.
- La rémunération de l'apprenti(e) ne peut être inférieure au minimum légal (articles D. 6222-26 et suivants), ni au minimum conventionnel de la branche lorsqu'il est plus élevé.
- Le CFA doit disposer d'un numéro UAI.

## Conditions de prise en charge
Les conditions de prise en charge de Constructys pour l'année en cours (plafonds horaires, taux, frais annexes) sont appliquées à l'estimation de vos demandes Plan ; votre conseiller Constructys les détaille sur demande.

## Formations obligatoires et recommandées du BTP
Certaines formations conditionnent l'accès à un poste ou à un chantier (travaux en hauteur, habilitation électrique, conduite d'engins, prévention du risque amiante…). Votre conseiller Constructys vous aide à identifier celles qui concernent vos salariés."""

OGESTION_GUIDE = """## Accéder à oGestion
1. Connectez-vous avec votre identifiant (adresse e-mail) et votre mot de passe.
2. Pas encore de compte ? Le référent de votre organisme peut vous en créer un ; sinon, contactez votre Constructys régional.
3. Mot de passe oublié ? « J'ai oublié mon mot de passe » vous envoie un lien pour en choisir un nouveau.
4. À la première connexion, acceptez le RGPD et les CGU ; vous les retrouvez ensuite dans le menu « RGPD et CGU ».

## Gérer mes utilisateurs (référents)
Le référent crée les comptes de ses collègues, choisit leur profil (utilisateur ou référent) et les établissements auxquels ils ont accès. Le nouvel utilisateur reçoit un e-mail pour créer son mot de passe.

## Suivre mes dossiers de formation
La liste présente les dossiers de vos stagiaires financés par Constructys, en cours et soldés. Un clic sur un numéro de dossier ouvre ses stagiaires, ses règlements et les documents de Constructys, dont l'accord de prise en charge.

## Consulter mes règlements
Choisissez l'établissement : chaque virement s'affiche avec son avis de virement à télécharger ; un clic sur un virement détaille les factures réglées et mène aux dossiers.

## Voir mes établissements
Vérifiez la présence et la validité de l'IBAN et du BIC de chaque établissement. Un référent envoie un nouveau RIB depuis la page de l'établissement : le service comptable de Constructys le valide avant qu'il ne remplace les coordonnées actuelles.

## Besoin d'aide ?
Appelez le 0 800 940 999 (numéro vert gratuit) ou votre Constructys régional."""

USERS_OGESTION = """Le référent de votre organisme crée les comptes oGestion de ses collègues.

1. Dans le menu, cliquez sur « Gérer mes utilisateurs » et vérifiez que votre collègue n'a pas déjà un compte, actif ou désactivé : un compte existant se réactive depuis sa fiche.
2. Cliquez sur « Nouvel utilisateur » : sélectionnez le salarié dans la liste (« Sélection d'un salarié ») ou créez-le.
3. Renseignez la civilité, le nom, le prénom et l'adresse e-mail.
4. Choisissez le profil : « Utilisateur portail OF » suit les dossiers, les règlements et les établissements ; « Référent portail OF » gère en plus les utilisateurs.
5. Cochez les établissements auxquels il aura accès : un utilisateur peut être rattaché à plusieurs établissements.
6. Validez : votre collègue reçoit un e-mail « Créer mon mot de passe » (12 à 50 caractères, avec une minuscule, une majuscule, un chiffre et un caractère spécial)."""

DOSSIERS_OGESTION = """1. Cliquez sur « Suivre mes dossiers de formation ».
2. Recherchez le dossier par son numéro, son établissement, ses dates ou le nom du stagiaire.
3. Téléchargez l'accord de prise en charge depuis la colonne « Accord », ou ouvrez le dossier.
4. Dans le dossier, l'onglet des documents de Constructys rassemble l'accord de prise en charge et les autres documents émis ; l'onglet des règlements détaille les paiements."""

PAYMENTS_OGESTION = """1. Cliquez sur « Consulter mes règlements » et choisissez l'établissement.
2. Chaque virement s'affiche avec sa date, sa référence et son avis de virement à télécharger.
3. Cliquez sur un virement pour voir les factures qu'il règle, puis sur un numéro de dossier pour ouvrir le dossier.
4. Les avis de virement se retrouvent aussi sur la page de chaque établissement (« Voir mes établissements / mes avis de virement »)."""

RESOURCES = [
    # (portal, section, kind, slug, title, summary, body)
    ("egestion", "guide", "pdf", "guide-egestion", "Présentation générale d'eGestion : guide imprimable",
     "Tout eGestion en quelques pages, à imprimer ou à garder.", EGESTION_GUIDE),
    ("egestion", "howto", "page", "mode-operatoire-cerfa", "Compléter un CERFA et le transmettre",
     "Le contrat d'apprentissage, étape par étape.", CERFA),
    ("egestion", "howto", "page", "mode-operatoire-plan",
     "Saisir une Demande de Prise en Charge Plan et la transmettre",
     "Le Plan de développement des compétences : formation, stagiaires, modules, documents.", PLAN),
    ("egestion", "howto", "page", "mode-operatoire-messages", "Envoyer un message au gestionnaire",
     "Lire, envoyer et retrouver les messages de vos dossiers.", MESSAGES),
    ("egestion", "howto", "page", "mode-operatoire-utilisateurs", "Ouvrir un compte à d'autres collaborateurs",
     "Inviter un collègue et choisir ses établissements.", USERS_EGESTION),
    ("egestion", "highlight", "page", "message-non-lu", "Message non lu ? Message non vu",
     "Une notification annonce un message que vous ne retrouvez pas ? Un message lu a disparu de la page "
     "d'accueil ? Voici comment le retrouver et le garder au statut non lu.", UNREAD),
    ("egestion", "regulatory", "page", "informations-reglementaires", "Informations réglementaires",
     "Informations obligatoires, délais du contrat d'apprentissage, conditions de prise en charge, formations "
     "obligatoires du BTP.", REGULATORY),
    ("ogestion", "guide", "pdf", "guide-ogestion", "Présentation générale d'oGestion : guide imprimable",
     "Tout oGestion en quelques pages, à imprimer ou à garder.", OGESTION_GUIDE),
    ("ogestion", "howto", "page", "mode-operatoire-utilisateurs-ogestion", "Créer un compte utilisateur oGestion",
     "Pour les référents : créer le compte d'un collègue et choisir ses établissements.", USERS_OGESTION),
    ("ogestion", "howto", "page", "mode-operatoire-dossiers-ogestion",
     "Suivre mes dossiers et télécharger les accords de prise en charge", "", DOSSIERS_OGESTION),
    ("ogestion", "howto", "page", "mode-operatoire-reglements", "Consulter mes règlements et avis de virement", "",
     PAYMENTS_OGESTION),
]  # fmt: skip


def seed(apps, schema_editor):
    HelpResource = apps.get_model("content", "HelpResource")
    for position, (portal, section, kind, slug, title, summary, body) in enumerate(RESOURCES):
        HelpResource.objects.get_or_create(
            slug=slug,
            defaults={
                "portal": portal,
                "section": section,
                "kind": kind,
                "title": title,
                "summary": summary,
                "body": body,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0002_help_resource")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
