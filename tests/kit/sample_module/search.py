from revier.core.search import Document, SearchSource

SAMPLES = {"lantern": "Laternenumzug am Schlosspark"}


class SampleSource(SearchSource):
    name = "sample_module.samples"

    def documents(self, keys):
        for key in keys:
            yield Document(key=key, title=SAMPLES[key], keywords=(), text="")

    def objects(self):
        return iter(SAMPLES)

    def resolve(self, keys):
        return {key: SAMPLES[key] for key in keys if key in SAMPLES}


SOURCE = SampleSource()
