# The hall's image: built in one stage (wheels of the project and every dependency), run in
# another with only what it needs, as a user without privileges.
#   docker build -t tiaoma-hall .      (compose.yaml builds it too)
# tests/deploy/test_image.py runs these commands natively: the wheel, its install, and the
# image's own checks from the installed package.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[hall,pay,scan,sms,s3]"

FROM python:3.11-slim-bookworm
# The CJK font draws Chinese in the certificates and forms (HALL_CJK_FONT); OCR-B the human-
# readable digits under barcodes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk fonts-ocr-b \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /var/lib/hall --create-home hall
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "tiaoma[hall,pay,scan,sms,s3]" \
 && rm -rf /wheels
USER hall
ENV HALL_DATA_DIR=/var/lib/hall PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
VOLUME /var/lib/hall
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["granian", "--interface", "wsgi", "--host", "0.0.0.0", "--port", "8000", "hall.wsgi:application"]
