# DART web and worker image. Build: docker build -t dart .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=dart.settings.production \
    DART_MEDIA_ROOT=/data/media \
    DART_IMPORT_ROOT=/data/import \
    DART_STATIC_ROOT=/app/staticfiles

RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 zlib1g libbz2-1.0 liblzma5 libcurl4 curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
# torch first, from the CPU-only index (the default wheel carries CUDA, several GB).
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu \
        "$(grep -E '^torch==' requirements.txt)" \
    && pip install --no-cache-dir -r requirements.txt

COPY . .
# the VCF reader's compiled fast path (genomics/io/_vcfscan.c); the compiler leaves again
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && python setup.py -q build_ext --inplace && rm -rf build \
    && apt-get purge -y --auto-remove gcc libc6-dev && rm -rf /var/lib/apt/lists/*
RUN groupadd --system dart && useradd --system --gid dart --home /app dart \
    && mkdir -p /data/media /data/import \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && chown -R dart:dart /data /app/staticfiles

USER dart
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["gunicorn", "dart.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "300"]
