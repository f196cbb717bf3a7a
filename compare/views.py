from django.shortcuts import render


def compare(request):
    return render(request, "compare/compare.html", {})
