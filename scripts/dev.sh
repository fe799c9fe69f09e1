#!/usr/bin/env bash
# Set up and run the product on its embedded defaults: SQLite file in the project folder,
# Celery tasks eager, evidence on local disk, demo data. Then serve http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
python manage.py migrate --noinput
python manage.py seed_demo
echo "演示账号密码见 README.md；打开 http://127.0.0.1:${PORT:-8000}/"
exec python manage.py runserver "127.0.0.1:${PORT:-8000}"
