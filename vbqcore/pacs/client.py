"""A DICOMweb connection (``dicomweb-client`` over ``requests``) whose every failure is a
``PacsError`` saying what went wrong, with which server, and what to do.

QIDO-RS (search), WADO-RS (retrieve) and STOW-RS (store) as in DICOM PS3.18 §10.6, §10.4, §10.5.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import requests
from dicomweb_client.api import DICOMwebClient
from pydicom.dataset import Dataset

from vbqcore.errors import PacsError
from vbqcore.pacs.config import PacsConfig

__all__ = ["PacsClient", "dataset_from_json"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_QUERY = re.compile(r"\?[^\s)'\"]*")


class _BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>`` on every request of the session."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


class _Session(requests.Session):
    """A session whose CA bundle, when given, wins over ``REQUESTS_CA_BUNDLE`` and
    ``CURL_CA_BUNDLE`` (requests lets those replace ``Session.verify`` on every request)."""

    def __init__(self, ca_bundle: str | None) -> None:
        super().__init__()
        self.verify = ca_bundle or True  # TLS is always verified
        self._ca_bundle = ca_bundle

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        settings: dict[str, Any] = super().merge_environment_settings(
            url, proxies, stream, verify, cert
        )
        if self._ca_bundle is not None:
            settings["verify"] = self._ca_bundle
        elif settings.get("verify") is False:  # never off, whatever the environment says
            settings["verify"] = True
        return settings


def dataset_from_json(item: Mapping[str, Any]) -> Dataset:
    """A QIDO/WADO JSON object (DICOM PS3.18 F.2) as a pydicom ``Dataset``; bulk data left out."""
    try:
        return Dataset.from_json(dict(item), bulk_data_uri_handler=lambda *_: b"")
    except (ValueError, TypeError, KeyError) as err:
        raise PacsError(f"The server sent DICOM JSON that cannot be read ({err}).") from err


class PacsClient:
    """One DICOMweb server, as configured by ``config``.

    Retries are off: a user waiting at the Case page should read "did not answer within 30 s"
    after 30 s, not after five silent exponential retries.
    """

    def __init__(self, config: PacsConfig) -> None:
        self.config = config
        session = _Session(config.ca_bundle)
        if config.username and config.password:
            session.auth = (config.username, config.password)
        elif config.token:
            session.auth = _BearerAuth(config.token)
        try:
            self._web = DICOMwebClient(config.url, session=session, timeout=config.timeout_s)
        except ValueError as err:
            raise PacsError(f"{config.display_url} is not a usable DICOMweb URL ({err}).") from err
        self._web.set_http_retry_params(retry=False)

    # -- error translation -------------------------------------------------------------

    def _call(self, what: str, call: Callable[[], _T], *, not_found: str | None = None) -> _T:
        """Run ``call``; turn every transport, HTTP or parsing failure into a ``PacsError``."""
        url = self.config.display_url
        try:
            return call()
        except requests.exceptions.SSLError as err:
            raise PacsError(
                f"The TLS certificate of {url} could not be verified ({_reason(err)}). Give the "
                "hospital's CA certificates (VBQ_DICOMWEB_CA_BUNDLE or ca_bundle in the "
                "secrets); verification is never switched off."
            ) from err
        except requests.exceptions.Timeout as err:
            raise PacsError(
                f"{url} did not answer {what} within {self.config.timeout_s:g} s. Try again, "
                "or ask the PACS team whether the server is overloaded."
            ) from err
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as err:
            raise PacsError(f"{url} is not a usable DICOMweb URL ({_reason(err)}).") from err
        except requests.exceptions.ConnectionError as err:
            raise PacsError(
                f"Cannot reach the DICOMweb server at {url} ({_reason(err)}). Check the URL, "
                "that the server is running, and the network or VPN."
            ) from err
        except requests.exceptions.HTTPError as err:
            raise self._http_error(err, what, not_found) from err
        except requests.exceptions.RequestException as err:
            raise PacsError(f"{url}: {what} failed ({_reason(err)}).") from err
        except (ValueError, KeyError, TypeError) as err:  # HTML or garbage where JSON was due
            raise PacsError(
                f"The answer of {url} to {what} is not DICOMweb ({_reason(err)}). Check that "
                "the URL is the DICOMweb root (QIDO-RS/WADO-RS), e.g. .../dicom-web."
            ) from err

    def _http_error(
        self, err: requests.exceptions.HTTPError, what: str, not_found: str | None
    ) -> PacsError:
        status = err.response.status_code if err.response is not None else None
        url = self.config.display_url
        if status in (401, 403):
            how = {
                "basic": "the user name and password were refused",
                "bearer": "the bearer token was refused (expired?)",
                "none": "it needs credentials and none were given",
            }[self.config.auth_kind]
            return PacsError(
                f"{url} refused authentication (HTTP {status}) for {what}: {how}. Set "
                "VBQ_DICOMWEB_USER and VBQ_DICOMWEB_PASSWORD or VBQ_DICOMWEB_TOKEN (or the "
                "app's secrets)."
            )
        if status == 404:
            return PacsError(
                not_found or f"{url} found nothing for {what} (HTTP 404): check the URL."
            )
        if status == 413:
            return PacsError(f"{url} refused {what}: the data are too large for it (HTTP 413).")
        return PacsError(f"{url} answered HTTP {status} to {what}; ask the PACS team why.")

    # -- QIDO-RS ---------------------------------------------------------------------------

    def search_studies(
        self, filters: Mapping[str, str], *, fields: Sequence[str] = (), limit: int = 200
    ) -> list[Dataset]:
        """Studies matching ``filters`` (QIDO keywords, e.g. ``{"PatientID": "..."}``)."""
        found = self._call(
            "a study search",
            lambda: self._web.search_for_studies(
                search_filters=dict(filters), fields=list(fields) or None, limit=limit
            ),
        )
        return [dataset_from_json(item) for item in found]

    def search_series(self, study_uid: str, *, fields: Sequence[str] = ()) -> list[Dataset]:
        """The series of one study (empty when the server knows no such study)."""
        found = self._call(
            f"the series search of study {study_uid}",
            lambda: self._web.search_for_series(study_uid, fields=list(fields) or None),
            not_found=f"{self.config.display_url} has no study {study_uid}.",
        )
        return [dataset_from_json(item) for item in found]

    def search_instances(
        self, study_uid: str, series_uid: str, *, limit: int | None = None
    ) -> list[Dataset]:
        """The instances of one series (QIDO attributes only, no pixels)."""
        found = self._call(
            f"the instance search of series {series_uid}",
            lambda: self._web.search_for_instances(study_uid, series_uid, limit=limit),
            not_found=f"{self.config.display_url} has no series {series_uid}.",
        )
        return [dataset_from_json(item) for item in found]

    # -- WADO-RS ---------------------------------------------------------------------------

    def instance_metadata(self, study_uid: str, series_uid: str, sop_uid: str) -> Dataset:
        """The full header of one instance (WADO-RS metadata), without pixel data."""
        found = self._call(
            f"the metadata of instance {sop_uid}",
            lambda: self._web.retrieve_instance_metadata(study_uid, series_uid, sop_uid),
            not_found=(
                f"{self.config.display_url} has no instance {sop_uid} in series {series_uid}: "
                "was it deleted or moved?"
            ),
        )
        return dataset_from_json(found)

    def retrieve_series(self, study_uid: str, series_uid: str) -> list[Dataset]:
        """Every instance of one series, as DICOM data sets with pixel data."""
        datasets = self._call(
            f"the retrieval of series {series_uid}",
            lambda: self._web.retrieve_series(study_uid, series_uid),
            not_found=(
                f"{self.config.display_url} has no series {series_uid} in study {study_uid} "
                "(deleted or moved since the search?): search again."
            ),
        )
        if not datasets:
            raise PacsError(
                f"{self.config.display_url} sent no instance of series {series_uid}: it is "
                "empty or was deleted since the search; search again."
            )
        return list(datasets)

    # -- STOW-RS ---------------------------------------------------------------------------

    def store(self, datasets: Sequence[Dataset]) -> Dataset:
        """Store ``datasets`` (one STOW-RS request); return the server's Store Instances
        Response. Instances the server refused (FailedSOPSequence) raise ``PacsError``."""
        if not datasets:
            raise PacsError("Nothing to send: give at least one DICOM file.")
        response = self._call(
            f"storing {len(datasets)} instance(s)",
            lambda: self._web.store_instances(list(datasets)),
        )
        failed = response.get("FailedSOPSequence") or []
        if failed:
            reasons = ", ".join(
                f"{item.get('ReferencedSOPInstanceUID', '?')} (reason {item.get('FailureReason')})"
                for item in failed
            )
            raise PacsError(
                f"{self.config.display_url} refused {len(failed)} of {len(datasets)} "
                f"instance(s): {reasons}."
            )
        return response


def _reason(err: BaseException) -> str:
    """The innermost cause's message, short (requests wraps urllib3 wraps socket errors)."""
    inner: BaseException = err
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__  # type: ignore[assignment]
    # A QIDO query string holds what was searched for (a patient ID): never repeat it.
    text = _QUERY.sub("?…", str(inner) or type(inner).__name__)
    if "refused" in text.lower():
        return "connection refused"
    if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
        return "host name not found"
    return text if len(text) < 160 else text[:157] + "..."
