// Reads Jenkinsfiles the way Jenkins first does: the Groovy compiler parses each file (a syntax error is a
// compile error here too), then the script runs with a recording `pipeline` in place of Jenkins' own, so
// every directive, step and argument of the declarative pipeline comes out as a JSON tree for the test to
// check against the declarative grammar. `script {}` / `expression {}` bodies are code, not declarations:
// they are recorded as "<code>" and not run.
//
// Usage: groovy jenkins-declarative.groovy Jenkinsfile... > out.json
// Prints a JSON array, one entry per file in order: {"tree": <the pipeline call>} or {"error": "<what failed>"}.
import groovy.json.JsonOutput

class Call {
  String name
  List args = []
  Map named = [:]
  List children = []
  Map props = [:]
  // A GString argument: Groovy interpolates it before the step runs (Jenkins warns for secrets)
  boolean interpolated = false
  Call parent

  Map toMap() {
    [name: name, args: args.collect { plain(it) }, named: named.collectEntries { k, v -> [k, plain(v)] },
     children: children.collect { it.toMap() }, props: props, interpolated: interpolated]
  }

  static Object plain(Object v) {
    if (v instanceof Call) return ((Call) v).toMap()
    if (v instanceof List) return v.collect { plain(it) }
    if (v instanceof Map) return v.collectEntries { k, x -> [k.toString(), plain(x)] }
    return v
  }
}

class Recorder {
  Call call
  static final List CODE_BLOCKS = ['script', 'expression']

  Recorder(Call call) { this.call = call }

  Object value(Object v, Call owner) {
    if (v instanceof GString) { owner.interpolated = true; return v.toString() }
    if (v instanceof Call) { call.children.remove(v); return v } // nested call, e.g. buildDiscarder(logRotator(...))
    if (v instanceof List) return v.collect { value(it, owner) }
    if (v instanceof Map) return v.collectEntries { k, x -> [k.toString(), value(x, owner)] }
    return v
  }

  def methodMissing(String name, Object argsObj) {
    Object[] args = argsObj as Object[]
    Call child = new Call(name: name, parent: call)
    call.children << child
    for (Object a : args) {
      if (a instanceof Closure) {
        if (name in CODE_BLOCKS) { child.args << '<code>'; continue }
        Closure body = (Closure) ((Closure) a).clone()
        body.delegate = new Recorder(child)
        body.resolveStrategy = Closure.DELEGATE_ONLY
        body.call()
      } else if (a instanceof Map) {
        ((Map) a).each { k, v -> child.named[k.toString()] = value(v, child) }
      } else {
        child.args << value(a, child)
      }
    }
    return child
  }

  // `agent none`, `agent any`: a bare word
  def propertyMissing(String name) { return name }

  // `environment { HOME = '/tmp/x' }`
  def propertyMissing(String name, Object v) { call.props[name] = value(v, call) }
}

def results = []
for (String path : args) {
  try {
    Call root = new Call(name: '<file>')
    Script script = new GroovyShell().parse(new File(path))
    script.binding.setVariable('pipeline', { Closure body ->
      Call p = new Call(name: 'pipeline', parent: root)
      root.children << p
      Closure c = (Closure) body.clone()
      c.delegate = new Recorder(p)
      c.resolveStrategy = Closure.DELEGATE_ONLY
      c.call()
    })
    script.run()
    if (root.children.size() != 1) throw new IllegalStateException("expected one pipeline {} block, found ${root.children.size()}")
    results << [tree: root.children[0].toMap()]
  } catch (Throwable e) {
    results << [error: e.toString()]
  }
}
println JsonOutput.toJson(results)
