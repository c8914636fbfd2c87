# The image: the wheel built from this tree, installed into a slim Python, run as its own user.
# docker compose (compose.yaml) runs it as the web instances, the outbox worker and the sweep.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml ./
COPY disputedesk ./disputedesk
RUN pip wheel --no-cache-dir --no-deps -w /wheels .

FROM python:3.11-slim
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --system --create-home --home-dir /srv/disputedesk disputedesk \
    && mkdir -p /srv/disputedesk/instance /tmp/metrics \
    && chown disputedesk /srv/disputedesk/instance /tmp/metrics
USER disputedesk
WORKDIR /srv/disputedesk
# What a deployment writes (evidence, demo mail) lives in the instance folder: mount a volume
# there that every web instance shares. Metrics of this container's processes add up in one scrape.
ENV DISPUTEDESK_INSTANCE=/srv/disputedesk/instance \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics \
    BIND=0.0.0.0:8000 \
    PYTHONUNBUFFERED=1
VOLUME /srv/disputedesk/instance
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["disputedesk", "serve"]
