"""Kubernetes manifests: schema-valid (bundled Kubernetes schemas; KEDA by our own schema),
and saying what the deployment needs: seed resources, graceful stops, one beat, queue scaling."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from priceradar.config import load_settings
from priceradar.observability.metrics import redis_list_names

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
KUBERNETES_VERSION = "1.30.0"

# KEDA's CRDs are not in the bundled schemas: this covers the fields we use, and refuses
# unknown ones so a typo cannot pass silently.
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
KEDA_SCHEMAS: dict[str, dict[str, Any]] = {
    "ScaledObject": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "keda.sh/v1alpha1"},
            "kind": {"const": "ScaledObject"},
            "metadata": {"type": "object", "required": ["name"]},
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "required": ["scaleTargetRef", "triggers"],
                "properties": {
                    "scaleTargetRef": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}},
                    },
                    "minReplicaCount": {"type": "integer", "minimum": 0},
                    "maxReplicaCount": {"type": "integer", "minimum": 1},
                    "pollingInterval": {"type": "integer", "minimum": 1},
                    "cooldownPeriod": {"type": "integer", "minimum": 0},
                    "advanced": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "horizontalPodAutoscalerConfig": {"type": "object"},
                            "scalingModifiers": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["formula", "target"],
                                "properties": {
                                    "formula": {"type": "string"},
                                    "target": {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
                                    "activationTarget": {"type": "string"},
                                    "metricType": {"enum": ["AverageValue", "Value"]},
                                },
                            },
                        },
                    },
                    "triggers": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["type", "metadata"],
                            "properties": {
                                "type": {"type": "string"},
                                "name": {"type": "string", "pattern": r"^[a-z][a-z0-9]*$"},
                                "metadata": _STRING_MAP,
                                "authenticationRef": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "TriggerAuthentication": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "keda.sh/v1alpha1"},
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "secretTargetRef": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["parameter", "name", "key"],
                            "properties": {
                                k: {"type": "string"} for k in ("parameter", "name", "key")
                            },
                        },
                    }
                },
            },
        },
    },
}


def documents() -> list[dict[str, Any]]:
    return [doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def by_kind_and_name() -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in documents()}


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_is_schema_valid(doc: dict[str, Any]) -> None:
    if doc["apiVersion"].startswith("keda.sh/"):
        jsonschema.validate(doc, KEDA_SCHEMAS[doc["kind"]])
    else:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_a_broken_manifest_is_caught() -> None:
    # The validator really validates: a typo'd field and a wrong type are refused.
    worker = by_kind_and_name()[("Deployment", "priceradar-worker")]
    typo = {**worker, "spec": {**worker["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(typo, KUBERNETES_VERSION, strict=True)
    scaled = by_kind_and_name()[("ScaledObject", "priceradar-worker")]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**scaled, "spec": {**scaled["spec"], "minReplicas": 1}}, KEDA_SCHEMAS["ScaledObject"]
        )


def pod_spec(name: str) -> dict[str, Any]:
    return by_kind_and_name()[("Deployment", name)]["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def test_workers_have_the_seed_resources_and_stop_after_a_batch() -> None:
    spec = pod_spec("priceradar-worker")
    (container,) = spec["containers"]
    assert container["resources"] == {
        "requests": {"memory": "256Mi", "cpu": "250m"},
        "limits": {"memory": "512Mi", "cpu": "500m"},
    }
    assert spec["terminationGracePeriodSeconds"] > load_settings(_env_file=None).task_time_limit_s
    assert container["command"][:4] == ["celery", "-A", "priceradar.worker", "worker"]


def test_beat_is_a_single_replica_recreated_on_rollout() -> None:
    beat = by_kind_and_name()[("Deployment", "priceradar-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}


def test_keda_sums_every_redis_priority_sub_list_of_price_check() -> None:
    scaled = by_kind_and_name()[("ScaledObject", "priceradar-worker")]["spec"]
    assert ("Deployment", scaled["scaleTargetRef"]["name"]) in by_kind_and_name()
    triggers = scaled["triggers"]
    assert {t["type"] for t in triggers} == {"redis"}
    assert [t["metadata"]["listName"] for t in triggers] == redis_list_names("price_check")
    summed = re.split(r"\s*\+\s*", scaled["advanced"]["scalingModifiers"]["formula"])
    assert sorted(summed) == sorted(t["name"] for t in triggers)


def test_pods_run_unprivileged_and_share_one_config() -> None:
    for doc in documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        spec = doc["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
        for container in spec["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            refs = {next(iter(r.values()))["name"] for r in container["envFrom"]}
            assert refs == {"priceradar-config", "priceradar-secrets"}


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(p.name for p in MANIFESTS)
