"""The mutators, by family: ``text`` (any syntax), ``terraform*`` (HCL), ``structured`` with
``values`` and ``cloudformation`` (YAML/JSON as data), ``template_text`` (YAML/JSON as text) and
``encoding`` (the bytes); ``weights`` says which a file gets and how often."""
