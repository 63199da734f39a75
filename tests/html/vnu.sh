#!/usr/bin/env bash
# The Nu HTML Checker over every page Quire builds: the essay site (the repository root),
# every site under tests/fixtures/ (the import fixtures imported first), and the sites under tests/html/sites/ (Markdown and
# theme features the others do not reach). Exits non-zero, printing each error, when vnu
# reports any. Needs Java 17+ and npm (vnu-jar ships the checker as a jar).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"
locked="$(node -p "require('$here/package-lock.json').packages['node_modules/vnu-jar'].version")"
installed="$(node -p "try{require('$here/node_modules/vnu-jar/package.json').version}catch(e){''}")"
if [ ! -f "$jar" ] || [ "$locked" != "$installed" ]; then
  # --ignore-scripts: vnu-jar's postinstall only offers to download a Java runtime.
  (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts)
fi
(cd "$repo" && cargo build --release --locked --quiet)
quire="$repo/target/release/quire"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
sites=("$repo")
for dir in "$repo"/tests/fixtures/*/ "$here"/sites/*/; do
  if [ -f "$dir/quire.toml" ]; then sites+=("${dir%/}"); fi
done
# The edge site's long section gets more pages than the sidebar's 50-page window, generated
# here rather than kept as 55 near-empty files.
edge="$out/src/edge"
mkdir -p "$out/src"
cp -r "$here/sites/edge" "$edge"
for i in $(seq -w 1 55); do
  printf -- '---\ntitle: Page %s\n---\nPage %s of the long section.\n' "$i" "$i" >"$edge/site/long/p$i.md"
done
# The import fixtures, moved to Quire as a user would: their pages and redirect pages too.
for format in mdbook zola; do
  "$quire" import "$format" "$repo/tests/fixtures/import/$format" --into "$out/src/imported-$format" >/dev/null 2>"$out/import.txt" || {
    cat "$out/import.txt" >&2
    exit 1
  }
  sites+=("$out/src/imported-$format")
done
pages=0
for site in "${sites[@]}"; do
  name="$(basename "$site")"
  [ "$site" = "$repo" ] && name="essay"
  [ "$site" = "$here/sites/edge" ] && site="$edge"
  "$quire" build --root "$site" --output "$out/html/$name" >/dev/null 2>"$out/build.txt" || {
    cat "$out/build.txt" >&2
    exit 1
  }
  n="$(find "$out/html/$name" -name '*.html' | wc -l)"
  pages=$((pages + n))
  echo "built $name: $n HTML files"
done

# --errors-only: warnings (such as "consider adding a lang attribute") are advice, not
# invalid HTML. --skip-non-html: the output also holds CSS, JS, XML and the search index.
report="$out/vnu.txt"
if java -jar "$jar" --errors-only --skip-non-html "$out/html" 2>"$report"; then
  echo "vnu: 0 errors in $pages HTML files"
else
  sed "s|$out/html/||" "$report"
  errors="$(grep -c ': error: ' "$report" || true)"
  echo "vnu: $errors errors in $pages HTML files" >&2
  exit 1
fi
