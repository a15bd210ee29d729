from revier.core import kit


class SampleModuleConfig(kit.ModuleConfig):
    """A module built only for the test that adding a module needs nothing outside its folder."""

    name = "tests.kit.sample_module"
    label = "sample_module"
    verbose_name = "Sample module"
