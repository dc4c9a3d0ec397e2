"""The strings of each Common Cartridge version, in one place so the two never mix."""

from __future__ import annotations

from dataclasses import dataclass

XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
WEBCONTENT = "webcontent"


@dataclass(frozen=True)
class CcVersion:
    """Namespaces, schema locations and resource types of one Common Cartridge version."""

    name: str
    schemaversion: str
    namespace: str
    lom_manifest: str
    lom_resource: str
    weblink_type: str
    weblink_ns: str
    discussion_type: str
    discussion_ns: str
    quiz_type: str
    profile: str

    def schema_location(self, namespace: str) -> str:
        files = {
            self.namespace: f"{self.profile}/ccv{self.tag}_imscp_v1p2_v1p0.xsd",
            self.lom_manifest: f"{self.profile}/LOM/ccv{self.tag}_lommanifest_v1p0.xsd",
            self.lom_resource: f"{self.profile}/LOM/ccv{self.tag}_lomresource_v1p0.xsd",
            self.weblink_ns: f"{self.profile}/ccv{self.tag}_imswl_v{self.tag}.xsd",
            self.discussion_ns: f"{self.profile}/ccv{self.tag}_imsdt_v{self.tag}.xsd",
            QTI_NS: f"{self.profile}/ccv{self.tag}_qtiasiv1p2p1_v1p0.xsd",
        }
        return files[namespace]

    @property
    def tag(self) -> str:
        return self.name.replace(".", "p")

    @property
    def lar_types(self) -> frozenset[str]:
        """Learning-application resource types: one descriptor file each, no href."""
        return frozenset({self.weblink_type, self.discussion_type, self.quiz_type})


def _version(name: str) -> CcVersion:
    tag = name.replace(".", "p")
    return CcVersion(
        name=name,
        schemaversion=f"{name}.0",
        namespace=f"http://www.imsglobal.org/xsd/imscc{'v' + tag}/imscp_v1p1",
        lom_manifest=f"http://ltsc.ieee.org/xsd/imscc{'v' + tag}/LOM/manifest",
        lom_resource=f"http://ltsc.ieee.org/xsd/imscc{'v' + tag}/LOM/resource",
        weblink_type=f"imswl_xml{'v' + tag}",
        weblink_ns=f"http://www.imsglobal.org/xsd/imscc{'v' + tag}/imswl_{'v' + tag}",
        discussion_type=f"imsdt_xml{'v' + tag}",
        discussion_ns=f"http://www.imsglobal.org/xsd/imscc{'v' + tag}/imsdt_{'v' + tag}",
        quiz_type=f"imsqti_xmlv1p2/imscc_xml{'v' + tag}/assessment",
        profile=f"http://www.imsglobal.org/profile/cc/cc{'v' + tag}",
    )


VERSIONS = {name: _version(name) for name in ("1.1", "1.3")}
DEFAULT_VERSION = "1.1"  # Moodle imports nothing newer


def version_of(namespace: str) -> CcVersion | None:
    """The version whose manifest namespace this is."""
    return next((v for v in VERSIONS.values() if v.namespace == namespace), None)
