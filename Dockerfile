# syntax=docker/dockerfile:1
# priceradar: one image for the API, workers, beat, Flower and migrations.
#   docker build -t priceradar .
# Stage 1 builds wheels (compilers stay out of the runtime image); stage 2 installs them into a
# virtualenv owned by root and runs everything as an unprivileged user.

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml ./
COPY src ./src
# README.md is named by pyproject.toml; an empty one is enough to build the wheel.
RUN touch README.md \
 && pip wheel --wheel-dir /wheels .

FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    PRICERADAR_DATA_DIR=/data \
    PRICERADAR_API_HOST=0.0.0.0 \
    PRICERADAR_FLOWER_ADDRESS=0.0.0.0
# The browser worker's image (`--build-arg WITH_CHROMIUM=1`, tagged priceradar-browser) adds
# Debian's Chromium for rendering script-only shops; Playwright's own download is never used.
ARG WITH_CHROMIUM=0
RUN if [ "$WITH_CHROMIUM" = "1" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends chromium fonts-liberation \
      && rm -rf /var/lib/apt/lists/*; \
    fi
COPY --from=build /wheels /wheels
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install /wheels/*.whl \
 && rm -rf /wheels \
 && groupadd --system --gid 10001 priceradar \
 && useradd --system --uid 10001 --gid priceradar --home-dir /data --shell /usr/sbin/nologin priceradar \
 && mkdir -p /data \
 && chown priceradar:priceradar /data
USER 10001:10001
WORKDIR /data
# API, Flower, worker metrics. Health checks are per role (compose and Kubernetes define them):
# one image-wide HEALTHCHECK would mark every worker container unhealthy.
EXPOSE 8000 5555 9808
# The default runs everything on the embedded default (data in /data): web UI + API on :8000,
# a worker and the scheduler. `docker run -p 8000:8000 -v priceradar:/data IMAGE`, then log in
# with the key printed once on first start (`docker logs`). Compose and Kubernetes run each
# role with its own command instead.
CMD ["priceradar", "serve"]
