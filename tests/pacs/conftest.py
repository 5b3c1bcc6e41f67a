"""Fixtures of the PACS tests: one Orthanc server per module, a phantom study stored in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pydicom
import pytest

from tests.pacs.orthanc import Orthanc, running_orthanc
from tests.pacs.study import write_phantom_study
from vbqcore.anatomy import Sequence
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.config import PacsConfig


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orthanc]:
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture(scope="module")
def pacs_client(orthanc: Orthanc) -> PacsClient:
    return PacsClient(PacsConfig(orthanc.dicomweb_url, orthanc.user, orthanc.password))


@pytest.fixture(scope="module")
def stored_study(
    orthanc: Orthanc, pacs_client: PacsClient, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[Sequence, list[Path]]]:
    """A T1/T2/STIR phantom study (patient PHANTOM-0001, accession ACC-0001) stored by STOW."""
    study_uid, files = write_phantom_study(tmp_path_factory.mktemp("study"))
    pacs_client.store([pydicom.dcmread(p) for paths in files.values() for p in paths])
    return study_uid, files
