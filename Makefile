# The two commands of the README. Both set everything up on a fresh machine.
#   make demo   — virtual environment, install (with the web desk: greenmine serve), build the
#                 bundled example (build validates first and prints the findings once)
#   make test   — virtual environment, install with test extras, then the layers and no import
#                 cycles (import-linter), lint (ruff) and types (mypy), then the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE := examples/shanxi-limestone/mine.yaml
OUT ?= out/shanxi-limestone
ROUND := examples/verification-round

# what the static checks read: ruff's files; mypy's and import-linter's are in pyproject.toml
LINTED := greenmine_docs tests benchmarks

.PHONY: demo demo-round test lint bench system-deps clean

demo: $(VENV)/.installed
	$(BIN)/greenmine build $(EXAMPLE) -o $(OUT) --force
	@echo "文档已生成到 $(OUT)/"
	$(MAKE) --no-print-directory demo-round

# the fictional verification round: outcomes, closing documents, follow-up, agencies
demo-round: $(VENV)/.installed
	$(BIN)/greenmine verify read $(ROUND)/records --round $(ROUND)/round.yaml --sample $(ROUND)/核查名单.xlsx
	$(BIN)/greenmine verify close $(ROUND)/records --round $(ROUND)/round.yaml \
	  --sample $(ROUND)/核查名单.xlsx -o out/verification-round --force
	$(BIN)/greenmine verify follow-up $(ROUND)/整改台账.xlsx --as-of 2024-02-20 \
	  -o out/verification-round/整改跟踪情况.xlsx --directory $(ROUND)/名录.xlsx \
	  --next-directory out/verification-round/名录-下年度.xlsx --force
	$(BIN)/greenmine verify agencies $(ROUND)/records --round $(ROUND)/round.yaml \
	  --sample $(ROUND)/核查名单.xlsx --assessments $(ROUND)/评估结果.xlsx \
	  -o out/verification-round/评估机构监督情况.docx --force
	@echo "实地核查收尾文件已生成到 out/verification-round/"

test: lint
	$(BIN)/python -m pytest -q

# each fails the build on the first broken contract, lint error or type error
lint: $(VENV)/.installed-test
	$(BIN)/lint-imports --no-logo
	$(BIN)/ruff check $(LINTED)
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

# LibreOffice (PDF conversion, tables of contents, recalculation tests), its Python bridge, poppler,
# Simplified Chinese fonts of each kind for PDFs: serif (UMing) for 仿宋/宋体, sans (WenQuanYi
# Micro Hei) for 黑体, kai (UKai) for 楷体, and Tesseract with Simplified Chinese (OCR of scanned
# plans in `greenmine check`), Chromium and its driver (the web desk's browser test) (Debian/Ubuntu,
# as root)
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui \
	  libreoffice-calc-nogui python3-uno poppler-utils fonts-noto-cjk fonts-arphic-uming \
	  fonts-arphic-ukai fonts-wqy-microhei tesseract-ocr tesseract-ocr-chi-sim \
	  chromium chromium-driver

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[web]"
	# bytecode for the package: an editable install has none, and where PYTHONDONTWRITEBYTECODE
	# is set Python would compile every module again at each start (+0.08 s a command)
	$(BIN)/python -m compileall -q greenmine_docs
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) out build dist *.egg-info
