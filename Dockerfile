# The graphsvc web app for production, served by gunicorn (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
RUN pip install .
COPY app.py ./

# Run as an unprivileged user; the embedded store's default folder is its home.
RUN useradd --create-home --uid 10001 graphsvc \
    && mkdir -p /var/lib/graphsvc && chown graphsvc /var/lib/graphsvc
USER graphsvc

EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", \
     "--access-logfile", "-", "app:app"]
