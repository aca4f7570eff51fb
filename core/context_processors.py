import dart


def dart_version(request):
    return {"dart_version": dart.__version__}
