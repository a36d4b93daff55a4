#!/bin/bash
# Packs what the GPU checks need into .device/ (git-ignored) for a machine with a GPU and no Java:
# a jlinked Java 25 runtime (xz-compressed: the runtime's libjvm.so alone is 25 MB), the fat jar
# without XGBoost's native libraries (14 MB of them; the checks never train a baseline), the
# kernels module's test classes and JUnit's console launcher. About 38 MB in all.
# The modules: what `jdeps --print-module-deps` finds in the fat jar, and java.logging.
# Then, on that machine, from the checkout's root: bash benchmarks/gpu/checks.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
jdk=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
junit=1.11.4   # the JUnit Platform of junit-jupiter 5.11.4 (pom.xml)
mvn -B -q -ntp -Dmaven.test.skip=true package -pl cli -am
mvn -B -q -ntp -pl kernels -am test-compile
mvn -B -q -ntp dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$junit
rm -rf .device && mkdir -p .device
cp cli/target/gmvae.jar .device/gmvae.jar && zip -q -d .device/gmvae.jar 'lib/*'
cp -r kernels/target/test-classes .device/kernels-tests
cp ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/$junit/junit-platform-console-standalone-$junit.jar .device/junit.jar
"$jdk/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.sql,jdk.httpserver,jdk.incubator.vector,jdk.management,jdk.unsupported \
  --strip-debug --no-man-pages --no-header-files --compress zip-9 --output .device/jre 2>&1 | grep -v '^WARNING: Using incubator' || true
find .device/jre -name '*.so' -exec strip --strip-unneeded {} \;
tar -C .device -cJf .device/jre.tar.xz jre && rm -rf .device/jre
du -sh .device
