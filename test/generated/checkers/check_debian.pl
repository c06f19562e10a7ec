#!/usr/bin/perl
# Batch checker for fuzzed services' debian/ files with dpkg's own parsers (libdpkg-perl):
# debian/control, debian/copyright (deb822) and debian/changelog. Reads a JSON list of
# {"dir", "expect": {maintainer, synopsis}} on stdin, prints a JSON list of failures.
use strict;
use warnings;
use JSON::PP;
use Dpkg::Control::Info;
use Dpkg::Control::HashCore;
use Dpkg::Changelog::Parse;
use Dpkg::ErrorHandling;

binmode STDOUT, ':encoding(UTF-8)';
my $json = JSON::PP->new->utf8;
my $cases = $json->decode(do { local $/; <STDIN> });
my @failures;
for my $case (@$cases) {
    my $dir = $case->{dir};
    my @problems;
    eval {
        my $info = Dpkg::Control::Info->new("$dir/debian/control");
        my $src = $info->get_source();
        my $pkg = ($info->get_packages())[0];
        my $maint = $src->{Maintainer} // '';
        utf8::decode($maint);
        push @problems, "control Maintainer: got '$maint'" if $maint ne $case->{expect}{maintainer};
        my ($synopsis) = split /\n/, ($pkg->{Description} // '');
        utf8::decode($synopsis);
        push @problems, "control Description: got '$synopsis'" if $synopsis ne $case->{expect}{synopsis};
        1;
    } or push @problems, "control: $@";
    eval {
        my $c = Dpkg::Control::HashCore->new();
        $c->load("$dir/debian/copyright");
        1;
    } or push @problems, "copyright: $@";
    eval {
        my $cl = changelog_parse(file => "$dir/debian/changelog", verbose => 0);
        die "no entry\n" unless $cl;
        my $m = $cl->{Maintainer} // '';
        utf8::decode($m);
        push @problems, "changelog Maintainer: got '$m'" if $m ne $case->{expect}{maintainer};
        1;
    } or push @problems, "changelog: $@";
    push @failures, { dir => $dir, problems => \@problems } if @problems;
}
print JSON::PP->new->encode(\@failures);
