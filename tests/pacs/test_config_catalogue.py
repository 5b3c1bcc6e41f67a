"""DICOMweb configuration, query building, plane and series choice (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pydicom.dataset import Dataset

from vbqcore.anatomy import Sequence
from vbqcore.errors import PacsError, VbqInputError
from vbqcore.pacs.catalogue import (
    PatientIdentifiers,
    SeriesMatch,
    StudyMatch,
    StudyQuery,
    image_plane,
)
from vbqcore.pacs.client import PacsClient, _BearerAuth
from vbqcore.pacs.config import PacsConfig, config_from_env, config_from_mapping
from vbqcore.pacs.transfer import choose_series


def test_env_config_and_secrets_never_in_repr_or_dict() -> None:
    env = {"VBQ_DICOMWEB_URL": "https://pacs.example.org/dicom-web/",
           "VBQ_DICOMWEB_USER": "reader", "VBQ_DICOMWEB_PASSWORD": "s3cret",
           "VBQ_DICOMWEB_TIMEOUT": "12.5"}  # fmt: skip
    config = config_from_env(env)
    assert config.url == "https://pacs.example.org/dicom-web" and config.timeout_s == 12.5
    assert config.auth_kind == "basic"
    assert "s3cret" not in repr(config) and "s3cret" not in str(config.to_dict())
    assert (
        config_from_env(env, url="http://other:8042/dicom-web").url == "http://other:8042/dicom-web"
    )
    token = config_from_mapping({"url": "https://p/dicom-web", "token": "abc"})
    assert token.auth_kind == "bearer" and "abc" not in repr(token)


def test_credentials_in_the_url_move_to_basic_auth_and_out_of_messages() -> None:
    config = PacsConfig("https://reader:s3cret@pacs.example.org:8443/dicom-web")
    assert (config.username, config.password) == ("reader", "s3cret")
    assert config.display_url == "https://pacs.example.org:8443/dicom-web"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "pacs.example.org"}, "is not a DICOMweb URL"),
        ({"url": "ftp://pacs/dicom-web"}, "is not a DICOMweb URL"),
        ({"url": "https://p/dw", "username": "u"}, "needs both a user name and a password"),
        ({"url": "https://p/dw", "username": "u", "password": "p", "token": "t"}, "not both"),
        ({"url": "https://p/dw", "timeout_s": 0}, "positive number of seconds"),
        ({"url": "https://p/dw", "ca_bundle": "/no/such.pem"}, "CA bundle /no/such.pem"),
    ],
)
def test_bad_configurations_say_what_is_wrong(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PacsError, match=message):
        PacsConfig(**kwargs)  # type: ignore[arg-type]


def test_no_url_anywhere() -> None:
    with pytest.raises(PacsError, match="pass --url URL or set VBQ_DICOMWEB_URL"):
        config_from_env({})
    with pytest.raises(PacsError, match="not a number of seconds"):
        config_from_env({"VBQ_DICOMWEB_URL": "https://p/dw", "VBQ_DICOMWEB_TIMEOUT": "soon"})


def test_tls_is_verified_and_the_bearer_token_is_sent(tmp_path: Path) -> None:
    client = PacsClient(PacsConfig("https://p/dicom-web", token="abc"))
    assert client._web._session.verify is True  # never switched off
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert PacsClient(
        PacsConfig("https://p/dw", ca_bundle=str(bundle))
    )._web._session.verify == str(bundle)
    request = requests.Request("GET", "https://p/dw/studies", auth=_BearerAuth("abc")).prepare()
    assert request.headers["Authorization"] == "Bearer abc"


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        (StudyQuery(patient_id=" P1 "), {"PatientID": "P1"}),
        (StudyQuery(accession="A9"), {"AccessionNumber": "A9"}),
        (StudyQuery(study_date="2025-03-14"), {"StudyDate": "20250314"}),
        (StudyQuery(study_date="20250301/2025-03-31"), {"StudyDate": "20250301-20250331"}),
    ],
)
def test_query_filters_are_qido_keys(query: StudyQuery, filters: dict[str, str]) -> None:
    assert query.filters() == filters


def test_a_query_needs_a_criterion_and_a_real_date() -> None:
    with pytest.raises(VbqInputError, match="at least one"):
        StudyQuery().filters()
    with pytest.raises(VbqInputError, match="use YYYYMMDD or YYYY-MM-DD"):
        StudyQuery(study_date="14/03/25").filters()


@pytest.mark.parametrize(
    ("cosines", "plane"),
    [
        ([0, 1, 0, 0, 0, -1], "sagittal"),  # rows along y, columns down z: normal along x
        ([1, 0, 0, 0, 1, 0], "axial"),
        ([1, 0, 0, 0, 0, -1], "coronal"),
        ([0, 0.996, 0.087, 0, -0.087, 0.996], "sagittal"),  # tilted 5 degrees
    ],
)
def test_plane_from_image_orientation(cosines: list[float], plane: str) -> None:
    ds = Dataset()
    ds.ImageOrientationPatient = cosines
    assert image_plane(ds) == plane
    assert image_plane(Dataset()) is None


def _series(uid: str, modality: str, guess: Sequence, plane: str | None) -> SeriesMatch:
    return SeriesMatch(uid, modality, None, None, None, guess, plane)


def test_series_chosen_by_default_are_sagittal_t1_t2_stir() -> None:
    series = [
        _series("1", "MR", Sequence.T2, "sagittal"),
        _series("2", "MR", Sequence.T2, "axial"),
        _series("3", "MR", Sequence.UNKNOWN, "sagittal"),
        _series("4", "MR", Sequence.STIR, None),
        _series("5", "SR", Sequence.UNKNOWN, None),
    ]
    assert [s.series_uid for s in choose_series("S", series)] == ["1", "4"]
    assert [s.series_uid for s in choose_series("S", series[1:3])] == ["2", "3"]  # MR fallback
    assert [s.series_uid for s in choose_series("S", series, ["5", "5"])] == ["5"]
    with pytest.raises(PacsError, match="has no series 9: it may have been deleted"):
        choose_series("S", series, ["9"])
    with pytest.raises(PacsError, match=r"no MR series \(CT, SR\)"):
        choose_series("S", [_series("1", "CT", Sequence.UNKNOWN, None), series[4]])


def test_identifiers_only_when_asked() -> None:
    who = PatientIdentifiers("Doe^Jane", "P-77", "19400101", "ACC", "20250314")
    study = StudyMatch("1.2", "LSPINE", ("MR",), (), who)
    assert "Doe" not in repr(study) and "P-77" not in str(study.to_dict())
    assert study.to_dict(show_identifiers=True)["patient_id"] == "P-77"
