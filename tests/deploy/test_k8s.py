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
                                "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
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


def test_keda_scales_check_workers_on_lateness_gauges_the_api_exposes(tmp_path: Path) -> None:
    scaled = by_kind_and_name()[("ScaledObject", "priceradar-worker")]["spec"]
    assert ("Deployment", scaled["scaleTargetRef"]["name"]) in by_kind_and_name()
    queries = {t["name"]: t["metadata"]["query"] for t in scaled["triggers"]}
    assert {t["type"] for t in scaled["triggers"]} == {"prometheus"}
    # the metric names the triggers query are the ones the API's collector really emits
    emitted = collector_metric_names(tmp_path)
    used = {m for q in queries.values() for m in re.findall(r"priceradar_\w+", q)}
    assert used == {"priceradar_overdue_products", "priceradar_max_overdue_seconds"}
    assert used <= emitted


def collector_metric_names(tmp_path: Path) -> set[str]:
    from priceradar.adapters.db import migrate
    from priceradar.adapters.db.engine import make_engine
    from priceradar.observability.metrics import PriceradarCollector

    url = f"sqlite:///{tmp_path / 'metrics.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        return {family.name for family in PriceradarCollector(engine, dict, cache_s=0).collect()}
    finally:
        engine.dispose()


def test_in_flight_cap_keeps_every_pod_busy_at_full_scale() -> None:
    # The sizing rule of docs/production.md: cap >= max pods x processes x batch x 2, or pods
    # idle at full scale while the backlog waits in PostgreSQL.
    config = by_kind_and_name()[("ConfigMap", "priceradar-config")]["data"]
    scaled = by_kind_and_name()[("ScaledObject", "priceradar-worker")]["spec"]
    needed = (
        scaled["maxReplicaCount"]
        * int(config["PRICERADAR_WORKER_CONCURRENCY"])
        * int(config["PRICERADAR_CHECK_BATCH_SIZE"])
        * 2
    )
    assert int(config["PRICERADAR_DISPATCH_MAX_IN_FLIGHT"]) >= needed


def test_redis_list_names_are_kombus_own(tmp_path: Path) -> None:
    # The list names our metrics read (and any KEDA redis trigger must use) come from kombu's
    # Redis transport itself, with the transport options our Celery app sets.
    from kombu import Connection

    from priceradar.config import load_settings as load
    from priceradar.worker.app import celery_config
    from tests.support.services import REDIS_HOST_PORT, require_redis

    require_redis()
    settings = load(_env_file=None, celery_broker_url=f"redis://{REDIS_HOST_PORT}/15")
    options = celery_config(settings)["broker_transport_options"]
    with Connection(settings.broker_url, transport_options=options) as conn:
        channel: Any = conn.default_channel
        kombus = [channel._q_for_pri("price_check", pri) for pri in channel.priority_steps]
    assert sorted(set(kombus)) == sorted(redis_list_names("price_check"))


def worker_deployments() -> dict[str, list[str]]:
    return {
        name: spec["containers"][0]["command"]
        for (kind, name), doc in by_kind_and_name().items()
        if kind == "Deployment"
        and (spec := doc["spec"]["template"]["spec"])["containers"][0]["command"][:4]
        == ["celery", "-A", "priceradar.worker", "worker"]
    }


def test_worker_deployments_split_the_queues_and_cover_every_queue() -> None:
    from priceradar.worker.app import QUEUES

    consumed = {
        name: set(command[command.index("-Q") + 1].split(","))
        for name, command in worker_deployments().items()
    }
    assert set().union(*consumed.values()) == set(QUEUES)
    assert consumed["priceradar-worker"] == {"price_check"}
    assert "batch_processing" in consumed["priceradar-scheduler-worker"]
    assert consumed["priceradar-browser-worker"] == {"browser_fetch"}
    scheduler = by_kind_and_name()[("Deployment", "priceradar-scheduler-worker")]
    assert ("ScaledObject", "priceradar-scheduler-worker") not in by_kind_and_name()
    assert scheduler["spec"]["replicas"] >= 1


def test_worker_liveness_reads_the_heartbeat_file() -> None:
    for name in worker_deployments():
        (container,) = pod_spec(name)["containers"]
        probe = " ".join(container["livenessProbe"]["exec"]["command"])
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert "inspect ping" not in probe
        assert env["PRICERADAR_WORKER_HEARTBEAT_FILE"] in probe, name


def test_pods_wait_for_the_schema_and_the_migration_job_is_replaceable() -> None:
    for (kind, name), doc in by_kind_and_name().items():
        if kind != "Deployment":
            continue
        init = doc["spec"]["template"]["spec"].get("initContainers", [])
        assert any(c["command"][:3] == ["priceradar", "db", "wait"] for c in init), name
    job = by_kind_and_name()[("Job", "priceradar-migrate")]
    # A Job's template is immutable: it must be gone before the next release applies it.
    assert job["spec"]["ttlSecondsAfterFinished"] <= 600
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"


def test_pods_run_unprivileged_and_share_one_config() -> None:
    for doc in documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        spec = doc["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
        for container in spec["containers"] + spec.get("initContainers", []):
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            refs = {next(iter(r.values()))["name"] for r in container["envFrom"]}
            assert refs == {"priceradar-config", "priceradar-secrets"}


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(p.name for p in MANIFESTS)


def test_browser_workers_run_the_chromium_image_with_their_own_resources() -> None:
    (browser,) = pod_spec("priceradar-browser-worker")["containers"]
    (worker,) = pod_spec("priceradar-worker")["containers"]
    assert browser["image"].startswith("priceradar-browser")
    env = {e["name"]: e.get("value") for e in browser["env"]}
    assert env["PRICERADAR_BROWSER_EXECUTABLE"] == "/usr/bin/chromium"
    assert env["HOME"] == "/tmp"  # Chromium's profile: the root filesystem is read-only
    assert browser["resources"] != worker["resources"]
    assert browser["resources"]["limits"]["memory"] == "2Gi"
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert {i["name"] for i in kustomization["images"]} == {"priceradar", "priceradar-browser"}
