import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.validators import uai_check_letter
from demo import data, identifiers
from referentials import importers
from referentials.models import CertificationLink, CollectiveAgreement, Diploma, RncpCertification, TrainingCentre

SAMPLE_SIZES = {"idcc": 18, "cfa": 16, "diplomas": 40, "rncp": 41, "rncp_cfd": 40}
MODELS = {
    "idcc": CollectiveAgreement,
    "cfa": TrainingCentre,
    "diplomas": Diploma,
    "rncp": RncpCertification,
    "rncp_cfd": CertificationLink,
}


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_referentials", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, name, text, encoding="utf-8") -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def uai(digits: str) -> str:
    return digits + uai_check_letter(digits)


def test_loading_the_sample_twice_creates_then_changes_nothing():
    first = dict(zip(importers.LOADERS, importers.load_files(importers.sample_paths()), strict=True))
    assert {key: result.created for key, result in first.items()} == SAMPLE_SIZES
    assert all(result.rejected == 0 and result.updated == 0 for result in first.values())

    second = dict(zip(importers.LOADERS, importers.load_files(importers.sample_paths()), strict=True))
    assert {key: result.unchanged for key, result in second.items()} == SAMPLE_SIZES
    assert all(result.created == result.updated == result.rejected == 0 for result in second.values())
    assert {key: model.objects.count() for key, model in MODELS.items()} == SAMPLE_SIZES


def test_the_command_prints_counts_per_file():
    output = load("--sample")
    assert (
        "CFA" in output and f"{SAMPLE_SIZES['cfa']} créée(s), 0 mise(s) à jour, 0 inchangée(s), 0 rejetée(s)" in output
    )
    output = load("--sample")
    assert "41 ligne(s) lue(s), 0 créée(s), 0 mise(s) à jour, 41 inchangée(s), 0 rejetée(s)" in output
    assert "rejetée(s), non importée(s)" not in output


def test_the_command_needs_something_to_load():
    with pytest.raises(CommandError, match="Rien à charger"):
        load()


def test_the_demo_cfas_are_in_the_sample_with_their_uai_and_siret():
    load("--sample")
    sirens = {org.key: identifiers.siren(org.siren_base) for org in data.ORGANISATIONS}
    demo_cfas = [site for site in data.SITES if site.uai_digits]
    assert demo_cfas
    for site in demo_cfas:
        centre = TrainingCentre.objects.get(uai=identifiers.uai(site.uai_digits))
        assert centre.siret == identifiers.siret(sirens[site.org], site.nic)
        assert centre.postal_code == site.postal_code and centre.is_active


def test_sample_entries_pass_the_model_validators():
    load("--sample")
    for model in (TrainingCentre, Diploma, RncpCertification, CollectiveAgreement):
        for entry in model.objects.all():
            entry.full_clean()


def test_rejected_lines_are_reported_with_their_line_number_and_reason(tmp_path):
    good = uai("0312101")
    bad_letter = "0312101" + ("A" if good[-1] != "A" else "B")
    cfa = write(
        tmp_path,
        "cfa.csv",
        "uai;siret;raison_sociale;adresse;code_postal;commune\n"
        f"{good};44813270400017;BTP CFA HAUTE-GARONNE;3 CHEMIN DE LA CEPIERE;31100;TOULOUSE\n"
        f"{bad_letter};44813270400017;CFA A LA MAUVAISE LETTRE;;31100;TOULOUSE\n"
        f"{uai('0595123')};44813270400026;CFA AU MAUVAIS SIRET;;59650;VILLENEUVE D'ASCQ\n"
        f"{uai('0741456')};;;;74000;ANNECY\n"
        "\n"
        f"{good};;DOUBLON;;31100;TOULOUSE\n",
    )
    output = load("--cfa", cfa)

    assert list(TrainingCentre.objects.values_list("uai", flat=True)) == [good]
    assert "5 ligne(s) lue(s), 1 créée(s), 0 mise(s) à jour, 0 inchangée(s), 4 rejetée(s)" in output
    assert "4 ligne(s) rejetée(s), non importée(s)" in output
    assert (
        f"ligne 3 : UAI « {bad_letter} » refusé : Le code UAI saisi n'est pas valide : sa lettre de contrôle est "
        "erronée." in output
    )
    assert "ligne 4 : SIRET « 44813270400026 » refusé : Le SIRET saisi n'est pas valide : sa clé de contrôle" in output
    assert "ligne 5 : raison sociale absent(e)" in output
    assert f"ligne 7 : {good} figure déjà ligne 2 : cette ligne est ignorée" in output


def test_bad_codes_of_every_referential_are_rejected(tmp_path):
    diplomas = write(
        tmp_path,
        "diplomes.csv",
        "FORMATION_DIPLOME;LIBELLE_COURT;LIBELLE_LONG_200;NIVEAU_QUALIFICATION_RNCP\n"
        "50023211;CAP;MACON;03\n5002331;CAP;TROP COURT;03\nCAP-MACON;CAP;PAS UN CODE;03\n1023310;MC;PLAQUISTE;03\n",
    )
    rncp = write(
        tmp_path,
        "rncp.csv",
        "Numero_Fiche;Intitule;Nomenclature_Europe_Niveau;Actif\n"
        "37651;Maçon;NIV3;ACTIVE\nRS5476;Certificat;;ACTIVE\n"
        "RNCP34852;Béton armé;NIV3;PEUT-ETRE\nRNCP123456;Trop long;;ACTIVE\n",
    )
    links = write(
        tmp_path,
        "kit.csv",
        "Code Diplôme;FicheRNCP\n50023211;RNCP37651\n50023299;RNCP37651\n50023211;RNCP99999\nNR;RNCP37651\n",
    )
    idcc = write(
        tmp_path,
        "idcc.csv",
        "IDCC;TITRE;ETAT\n16;Transports routiers;VIGUEUR_ETEN\nABC;Pas un code;VIGUEUR_ETEN\n"
        "650;Métallurgie cadres;ABROGE\n1234;État inconnu;EN SOMMEIL\n",
    )
    output = load("--diplomas", diplomas, "--rncp", rncp, "--rncp-cfd", links, "--idcc", idcc)

    assert list(Diploma.objects.values_list("cfd", flat=True)) == ["50023211", "01023310"]  # 0 dropped by a spreadsheet
    assert "ligne 3 : code diplôme « 5002331 » refusé : Le code diplôme (CFD) comporte 8 caractères" in output
    assert "ligne 4 : code diplôme « CAPMACON » refusé" in output

    assert list(RncpCertification.objects.values_list("code", flat=True)) == ["RNCP37651"]
    assert "ligne 3 : RS5476 est une fiche du Répertoire spécifique (RS), pas une certification RNCP" in output
    assert "ligne 4 : colonne Actif : « PEUT-ETRE » au lieu de ACTIVE ou INACTIVE" in output
    assert "ligne 5 : code RNCP « RNCP123456 » refusé : Le code RNCP s'écrit RNCP suivi de 3 à 5 chiffres" in output

    assert CertificationLink.objects.count() == 1
    assert "ligne 3 : code diplôme 50023299 absent du référentiel des diplômes" in output
    assert "ligne 4 : RNCP99999 absent du référentiel RNCP" in output
    assert "ligne 5 : RNCP37651 : pas de code diplôme" in output

    assert dict(CollectiveAgreement.objects.values_list("idcc", "in_force")) == {"0016": True, "0650": False}
    assert "ligne 3 : IDCC « ABC » refusé : Le code IDCC comporte 1 à 4 chiffres" in output
    assert "ligne 5 : état « EN SOMMEIL » inconnu" in output


def test_a_missing_column_stops_that_file_with_the_expected_header(tmp_path):
    path = write(tmp_path, "rncp.csv", "Numero_Fiche;Intitule\nRNCP37651;Maçon\n")
    with pytest.raises(CommandError, match="colonne « actif » absente de l'en-tête"):
        load("--rncp", path)
    assert not RncpCertification.objects.exists()


def test_bom_comma_separator_header_variants_and_dropped_leading_zeros_are_tolerated(tmp_path):
    path = write(
        tmp_path,
        "cfa.csv",
        "\ufeffNuméro UAI,Numéro SIRET,Raison sociale,Adresse,Code postal,Commune\n"
        '312101R,448 132 704 00017,"BTP CFA HAUTE-GARONNE, SITE DE TOULOUSE",3 CHEMIN DE LA CEPIERE,31100,TOULOUSE\n'
        f"{uai('0171234')[1:]},,CFA DE LA ROCHELLE,,1000,BOURG\n",
    )
    output = load("--cfa", path)
    assert "2 créée(s)" in output
    centre = TrainingCentre.objects.get(uai="0312101R")
    assert (centre.siret, centre.name) == ("44813270400017", "BTP CFA HAUTE-GARONNE, SITE DE TOULOUSE")
    assert TrainingCentre.objects.get(uai=uai("0171234")).postal_code == "01000"


def test_a_changed_line_updates_the_entry_and_its_search_text(tmp_path):
    header = "FORMATION_DIPLOME;LIBELLE_COURT;LIBELLE_LONG_200;NIVEAU_QUALIFICATION_RNCP\n"
    load("--diplomas", write(tmp_path, "v1.csv", header + "50023211;CAP;MACON;03\n50023410;CAP;CHARPENTIER BOIS;03\n"))
    output = load(
        "--diplomas",
        write(tmp_path, "v2.csv", header + "50023211;CAP;MAÇON DU BÂTI ANCIEN;03\n50023410;CAP;CHARPENTIER BOIS;03\n"),
    )
    assert "0 créée(s), 1 mise(s) à jour, 1 inchangée(s)" in output
    diploma = Diploma.objects.get(cfd="50023211")
    assert diploma.title == "MAÇON DU BÂTI ANCIEN"
    assert diploma.search_text == " macon du bati ancien cap"
    assert diploma.diploma_type_code == "33" and diploma.level == 3


def test_generate_adds_synthetic_entries_once_without_touching_the_sample():
    load("--sample")

    def snapshot(model):
        return set(
            model.objects.values_list(*(("rncp", "diploma") if model is CertificationLink else ("pk", "search_text")))
        )

    sample = {model: snapshot(model) for model in MODELS.values()}
    load("--generate", "400")
    counts = {model: model.objects.count() for model in MODELS.values()}
    assert counts[TrainingCentre] == SAMPLE_SIZES["cfa"] + 100
    assert counts[RncpCertification] == 41 + 160
    assert counts[CollectiveAgreement] == 18 + 20
    assert counts[Diploma] == 40 + 120
    for model, entries in sample.items():
        assert entries <= snapshot(model)
    for model in (TrainingCentre, Diploma, RncpCertification, CollectiveAgreement):
        for entry in model.objects.order_by("-pk")[:20]:
            entry.full_clean()

    load("--generate", "400")
    assert {model: model.objects.count() for model in MODELS.values()} == counts
