#!/bin/sh
# backend_names_test.sh — only the backends and their registry know which
# backend kinds exist (issue 11 item 1): outside src/backend/ no C code names
# a kind. The kind names are read from the kinds themselves (every
# `.name = "..."` of a `const backend_kind` under src/backend/), so a new
# engine is covered as soon as it is registered.
#
# What counts as naming a kind, in the code of src/ and include/ outside
# src/backend/ (comments do not count; they are removed first):
#   1. a string literal that is exactly a kind name ("postgres"): a
#      comparison, a default or a table of names;
#   2. a string literal that starts with a kind's URL scheme ("postgres:",
#      "postgresql:", "sqlite:"): choosing a backend by URL;
#   3. a string literal that holds two kind names as words ("sqlite, postgres"):
#      a list of kinds written by hand (--help, a hint, a message).
# Prose that names one engine ("the PostgreSQL server", "for the postgres
# backend") is allowed: it describes, it does not choose.
#
# ALLOWED lists the known exceptions, "file literal", each with its reason;
# each must still occur, so that the list only shrinks.
#
# Usage: backend_names_test.sh SOURCE_ROOT
set -u
root=${1:-${FOSTER_SOURCE_ROOT:?usage: backend_names_test.sh SOURCE_ROOT}}
cd "$root" || exit 2

# - manifest_sections.c: [postgres], [container], [cluster], [mysql] and
#   [mysql-cluster] are sections of
#   the manifest's grammar (server settings) that happen to share the kinds'
#   names; they go when the kinds declare their own manifest sections.
# - manifest.c "postgres:16": [container] image's default, an image name of
#   the manifest's contract (which rule 2 takes for a URL scheme).
ALLOWED='
src/manifest/manifest_sections.c "postgres"
src/manifest/manifest_sections.c "container"
src/manifest/manifest_sections.c "cluster"
src/manifest/manifest_sections.c "mysql"
src/manifest/manifest_sections.c "mysql-cluster"
src/manifest/manifest.c "postgres:16"
'

kinds=$(grep -l 'const backend_kind [a-z_]* = {' $(find src/backend -name '*.c') |
    xargs sed -n 's/^[[:space:]]*\.name = "\([a-z0-9_]*\)",.*/\1/p' | sort -u)
[ "$(echo "$kinds" | wc -w)" -ge 2 ] || { echo "FAIL: found no backend kinds under src/backend ($kinds)"; exit 1; }
echo "kinds: $(echo $kinds)"

files=$(find src include -type f \( -name '*.c' -o -name '*.h' \) ! -path 'src/backend/*' | sort)
# One perl pass: comments out, then every string literal checked.
# shellcheck disable=SC2086 # one word per path; paths have no spaces
KINDS="$kinds" ALLOWED="$ALLOWED" perl -e '
my @kinds = split " ", $ENV{KINDS};
my %allowed = map { $_ => 0 } grep { /\S/ } split /\n/, $ENV{ALLOWED};
my $failures = 0;
for my $file (@ARGV) {
    open my $fh, "<", $file or die "$file: $!";
    my $text = do { local $/; <$fh> };
    # Comments become blanks (newlines kept, so line numbers stay right).
    $text =~ s{("(?:[^"\\\n]|\\.)*"|'"'"'(?:[^'"'"'\\\n]|\\.)*'"'"')|/\*.*?\*/|//[^\n]*}
              { defined $1 ? $1 : ($& =~ tr/\n//cdr) }gse;
    while ($text =~ /"((?:[^"\\\n]|\\.)*)"/g) {
        my $literal = $1;
        my $line = 1 + (substr($text, 0, pos($text)) =~ tr/\n//);
        my @named = grep { $literal =~ /(?<![a-z_])\Q$_\E(?![a-z_])/ } @kinds;
        my ($rule) = grep { defined } (
            (grep { $literal eq $_ } @kinds) ? 1 : undef,
            (grep { $literal =~ /^\Q$_\E[a-z]*:/ } @kinds) ? 2 : undef,
            @named >= 2 ? 3 : undef);
        next unless $rule;
        my $entry = "$file \"$literal\"";
        if (exists $allowed{$entry}) { $allowed{$entry}++; print "allowed: $entry\n"; next; }
        print "FAIL: $file:$line: names a backend kind in \"$literal\" (rule $rule): ",
              "ask the registry (backend_kinds.h) or the kind (backend_kind.h)\n";
        $failures++;
    }
}
for (sort keys %allowed) {
    next if $allowed{$_};
    print "FAIL: allowed \"$_\" no longer occurs: remove it from ALLOWED\n";
    $failures++;
}
print scalar(@ARGV), " files checked, $failures failures\n";
exit($failures > 0);
' $files
