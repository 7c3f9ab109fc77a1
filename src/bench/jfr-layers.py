#!/usr/bin/env python3
"""Where a server's CPU samples are, by layer, by top frame, and for the frames named.

  jfr-layers.py [--jfr PATH_TO_jfr_TOOL] RECORDING.jfr [FRAME_SUBSTRING...]
  jfr-layers.py --collapsed STACKS.txt [--threads PREFIX,...] [FRAME_SUBSTRING...]
                (async-profiler's collapsed output; with its `threads` option, --threads keeps the
                stacks of the threads whose names start so, e.g. http-)

Each sample counts for the layer of the first frame, from the top of the stack, that is not the
JDK's (Duplex, Tyrus, Grizzly, Catalina, Weld, Payara/GlassFish, or native: the system calls and
the JVM's own code, which only async-profiler sees): what that layer's own code costs, with the
JDK methods it calls directly. A frame substring counts the samples whose stack holds a
frame containing it anywhere (the cost of everything under it). Used by src/bench/profile.sh.
"""
import collections
import json
import subprocess
import sys

LAYERS = [('dev.duplex.', 'Duplex'), ('org.glassfish.tyrus.', 'Tyrus'), ('org.glassfish.grizzly.', 'Grizzly'),
          ('org.apache.catalina.', 'Catalina'), ('org.jboss.weld.', 'Weld'), ('org.glassfish.weld.', 'Weld'),
          ('com.sun.enterprise.', 'Payara/GlassFish'), ('com.sun.web.', 'Payara/GlassFish'),
          ('fish.payara.', 'Payara/GlassFish'), ('org.glassfish.', 'Payara/GlassFish')]
JDK = ('java.', 'javax.', 'jdk.', 'sun.', 'com.sun.proxy.', '[')


def layer(frame):
    if '.' not in frame or '::' in frame or ' ' in frame:
        return 'native (system calls, JVM)'  # async-profiler's C frames: __GI_write, epoll_ctl, itable stub
    for prefix, name in LAYERS:
        if frame.startswith(prefix):
            return name
    return None if frame.startswith(JDK) else 'other'


def from_jfr(tool, recording):
    out = subprocess.run([tool, 'print', '--json', '--events', 'jdk.ExecutionSample', '--stack-depth', '256',
                          recording], capture_output=True, text=True, check=True).stdout
    for event in json.loads(out)['recording']['events']:
        trace = event['values'].get('stackTrace')
        if trace:
            yield [f['method']['type']['name'].replace('/', '.') + '.' + f['method']['name']
                   for f in trace['frames']], 1


def from_collapsed(path, threads):
    with open(path) as lines:
        for line in lines:
            stack, _, count = line.rstrip('\n').rpartition(' ')
            if not stack:
                continue
            frames = stack.split(';')  # root first; with `threads`, the root is [thread name tid=N]
            if frames[0].startswith('['):
                if threads and not frames[0][1:].startswith(threads):
                    continue
                frames = frames[1:]
            elif threads:
                continue
            frames = [f.replace('/', '.').removesuffix('_[j]').removesuffix('_[i]').removesuffix('_[k]')
                      for f in reversed(frames)]
            if frames:
                yield frames, int(count)


def main(argv):
    tool, collapsed, threads = 'jfr', None, ()
    while argv and argv[0].startswith('--'):
        if argv[0] == '--jfr':
            tool, argv = argv[1], argv[2:]
        elif argv[0] == '--collapsed':
            collapsed, argv = argv[1], argv[2:]
        elif argv[0] == '--threads':
            threads, argv = tuple(argv[1].split(',')), argv[2:]
        else:
            sys.exit('unknown option ' + argv[0])
    if collapsed:
        samples, names = list(from_collapsed(collapsed, threads)), argv
    else:
        samples, names = list(from_jfr(tool, argv[0])), argv[1:]
    total = sum(n for _, n in samples)
    if not total:
        sys.exit('no samples')
    layers, tops, holding = collections.Counter(), collections.Counter(), collections.Counter()
    for frames, n in samples:
        tops[frames[0]] += n
        layers[next((l for l in map(layer, frames) if l), 'JDK only')] += n
        for name in names:
            if any(name in f for f in frames):
                holding[name] += n
    print(f'{total} samples')
    print('\nBy layer (first non-JDK frame from the top)')
    for name, n in layers.most_common():
        print(f'  {100 * n / total:6.2f}%  {n:7d}  {name}')
    print('\nTop frames (self)')
    for name, n in tops.most_common(15):
        print(f'  {100 * n / total:6.2f}%  {n:7d}  {name}')
    if names:
        print('\nSamples whose stack holds')
        for name in names:
            print(f'  {100 * holding[name] / total:6.2f}%  {holding[name]:7d}  {name}')


if __name__ == '__main__':
    main(sys.argv[1:])
